import { describe, expect, it } from 'vitest';
import { parseAllowedNetworks } from '../../src/domain/networks.ts';

describe('parseAllowedNetworks', () => {
  it('allows addresses inside the listed networks only', () => {
    const nets = parseAllowedNetworks('10.0.0.0/8, 127.42.0.0/16,fd00::/8');
    expect(nets.allows('10.1.2.3')).toBe(true);
    expect(nets.allows('127.42.9.9')).toBe(true);
    expect(nets.allows('fd00::1')).toBe(true);
    expect(nets.allows('127.43.0.1')).toBe(false);
    expect(nets.allows('8.8.8.8')).toBe(false);
    expect(nets.allows('10.0.0.1; rm -rf /')).toBe(false);
    expect(nets.describe()).toBe('10.0.0.0/8, 127.42.0.0/16, fd00::/8');
  });

  it('allows any valid IP when unset, and nothing that is not an IP', () => {
    const any = parseAllowedNetworks(undefined);
    expect(any.allows('192.0.2.1')).toBe(true);
    expect(any.allows('host.example.com')).toBe(false);
  });

  it('names a malformed network', () => {
    expect(() => parseAllowedNetworks('10.0.0.0/33')).toThrow(/'10.0.0.0\/33' is not a network/);
    expect(() => parseAllowedNetworks('ten/8')).toThrow(/'ten\/8'/);
  });
});
