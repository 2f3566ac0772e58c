import { existsSync } from 'node:fs';
import { type SshBox, startSshBox } from './ssh-box.ts';

export interface LbBoxOptions {
  name: string;
  address: string;
  sshPort: number;
  authorizedKey: string;
  /** Host dir holding HAProxy's runtime socket; seen as /run/haproxy inside the box. */
  haproxySocketDir: string;
  /** @default the box's own dir */
  hostKeyDir?: string;
}

/** An LB box is an SSH box whose /run/haproxy is the host's HAProxy socket dir. */
export type LbBox = SshBox;

/**
 * The HAProxy box as the deployer sees it: SSH in, then
 * `socat stdio /run/haproxy/admin.sock`. HAProxy itself runs on the host;
 * its socket dir is bound into the box, as if it ran there.
 */
export async function startLbBox(options: LbBoxOptions): Promise<LbBox> {
  if (!existsSync(options.haproxySocketDir)) {
    throw new Error(`LB box ${options.name}: haproxySocketDir ${options.haproxySocketDir} does not exist`);
  }
  const box = await startSshBox({
    name: options.name,
    address: options.address,
    sshPort: options.sshPort,
    authorizedKey: options.authorizedKey,
    ...(options.hostKeyDir ? { hostKeyDir: options.hostKeyDir } : {}),
    binds: [{ source: options.haproxySocketDir, target: '/run/haproxy' }],
  });
  return box;
}
