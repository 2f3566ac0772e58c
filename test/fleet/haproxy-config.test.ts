import { describe, expect, it } from 'vitest';
import { haproxyConfig } from './haproxy.ts';

describe('test HAProxy config', () => {
  const base = { bindAddress: '127.0.0.2', frontendPort: 80, adminPort: 9999, socketPath: '/run/admin.sock', healthPath: '/health', backend: 'shop' };

  it('gives each server its own weight (100 unless said) and serves extra backends', () => {
    const text = haproxyConfig({
      ...base,
      servers: [
        { name: 'vm1', address: '127.0.0.10', port: 8000 },
        { name: 'vm2', address: '127.0.0.11', port: 8000, weight: 1 },
      ],
      extraBackends: [{ name: 'blog', servers: [{ name: 'b1', address: '127.0.0.20', port: 8001, weight: 256 }] }],
    });
    expect(text).toContain('  server vm1 127.0.0.10:8000 check inter 200 fall 2 rise 1 weight 100\n');
    expect(text).toContain('  server vm2 127.0.0.11:8000 check inter 200 fall 2 rise 1 weight 1\n');
    expect(text).toContain('  default_backend shop\n');
    expect(text).toContain(
      'backend blog\n  balance roundrobin\n  option httpchk GET /health\n  server b1 127.0.0.20:8001 check inter 200 fall 2 rise 1 weight 256\n',
    );
  });
});
