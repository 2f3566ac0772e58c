import { existsSync } from 'node:fs';
import { startSshBox } from './ssh-box.ts';

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

export interface LbBox {
  name: string;
  address: string;
  sshPort: number;
  hostPublicKey: string;
  hostKeyFingerprint: string;
  rootDir: string;
  logTail(): string;
  stop(): Promise<void>;
}

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
  const { name, address, sshPort, hostPublicKey, hostKeyFingerprint, rootDir, logTail, stop } = box;
  return { name, address, sshPort, hostPublicKey, hostKeyFingerprint, rootDir, logTail, stop };
}
