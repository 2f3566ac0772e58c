import { describe, expect, it } from 'vitest';
import {
  addServerCommand,
  addServerOutcome,
  deleteServerCommand,
  deleteServerOutcome,
  enableHealthCommand,
  parseServerAddresses,
  shutdownSessionsCommand,
} from '../../src/domain/haproxy-servers.ts';

describe('runtime-API commands that add and delete servers', () => {
  it('are built as exact strings', () => {
    expect(addServerCommand('shop', 'shop-vm5', '127.0.0.15', 8080, 100)).toBe('add server shop/shop-vm5 127.0.0.15:8080 weight 100 check');
    expect(enableHealthCommand('shop', 'shop-vm5')).toBe('enable health shop/shop-vm5');
    expect(deleteServerCommand('shop', 'shop-vm5')).toBe('del server shop/shop-vm5');
    expect(shutdownSessionsCommand('shop', 'shop-vm5')).toBe('shutdown sessions server shop/shop-vm5');
  });

  it('refuse what could smuggle another command or is no server', () => {
    expect(() => addServerCommand('shop', 'a;show info', '127.0.0.1', 80, 1)).toThrow(/server name/);
    expect(() => addServerCommand('shop', 'a', '127.0.0.1 weight 1;', 80, 1)).toThrow(/address/);
    expect(() => addServerCommand('shop', 'a', '256.0.0.1', 80, 1)).toThrow(/address/);
    expect(() => addServerCommand('shop', 'a', '127.0.0.1', 0, 1)).toThrow(/port/);
    expect(() => addServerCommand('shop', 'a', '127.0.0.1', 80, 0)).toThrow(/weight/);
  });

  it('read HAProxy 2.6 answers', () => {
    expect(addServerOutcome('New server registered.\n\n')).toBe('added');
    expect(addServerOutcome('Already exists a server with the same name in backend.\n\n')).toBe('exists');
    expect(addServerOutcome('No such backend.\n')).toBe('refused');
    expect(deleteServerOutcome('Server deleted.\n')).toBe('deleted');
    expect(deleteServerOutcome('No such server.\n')).toBe('absent');
    expect(deleteServerOutcome('Server still has connections attached to it, cannot remove it.\n')).toBe('busy');
    expect(deleteServerOutcome('Only servers in maintenance mode can be deleted.\n')).toBe('busy');
    expect(deleteServerOutcome('No such backend.\n')).toBe('refused');
  });

  it('parse the servers’ addresses from show servers state', () => {
    const text = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 shop 1 a 127.0.0.1 2 0 100 100 0 15 3 2 6 0 0 0 - 18081 - 0 0 - - 0
3 shop 2 b 127.0.0.2 0 1 50 50 0 1 0 0 2 0 0 0 - 18082 - 0 0 - - 0

`;
    expect(parseServerAddresses(text)).toEqual([
      { server: 'a', address: '127.0.0.1', port: 18081 },
      { server: 'b', address: '127.0.0.2', port: 18082 },
    ]);
    expect(() => parseServerAddresses("Can't find backend.\n")).toThrow();
  });
});
