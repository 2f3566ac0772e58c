import { BlockList, isIP } from 'node:net';

/**
 * The networks deploy targets may live in. A Chef server answers with whatever
 * its nodes claim; an address outside these networks (a typo, a hijacked node
 * object) is refused before any connection is made.
 */
export interface AllowedNetworks {
  allows(address: string): boolean;
  describe(): string;
}

/** Parses `10.0.0.0/8,192.168.1.0/24,::1/128`; unset or empty allows any valid IP. */
export function parseAllowedNetworks(spec: string | undefined): AllowedNetworks {
  const cidrs = (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (cidrs.length === 0) return { allows: (a) => isIP(a) !== 0, describe: () => 'any address' };
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/');
    const family = isIP(net ?? '');
    const prefix = Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new Error(`'${cidr}' is not a network in CIDR form (like 10.0.0.0/8)`);
    }
    list.addSubnet(net!, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return {
    allows: (address) => {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
    describe: () => cidrs.join(', '),
  };
}
