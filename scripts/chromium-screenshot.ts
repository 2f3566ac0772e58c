// A PNG of a web page from headless Chromium, driven over the DevTools
// protocol. `chromium --screenshot --virtual-time-budget` is enough for a
// finished workflow, but the UI of a running one keeps requests open, virtual
// time never runs out and no picture comes; here the page gets a fixed span of
// real time to fetch and draw. Needs node's --experimental-websocket (Node 20).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface CdpAnswer {
  id: number;
  result?: { data?: string };
  error?: { message: string };
}

export async function screenshot(url: string, file: string, settleMs = 8000): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'vesemir-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${profile}`, '--window-size=1600,1200'];
  const chromium = spawn('chromium', [...args, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const exited = new Promise<void>((resolve) => chromium.once('exit', () => resolve()));
  try {
    const browserWs = await new Promise<string>((resolve, reject) => {
      let err = '';
      chromium.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(err)?.[1];
        if (found) resolve(found);
      });
      chromium.once('exit', () => reject(new Error(`chromium exited before it listened:\n${err}`)));
    });
    const targets = (await (await fetch(`http://${new URL(browserWs).host}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const page = targets.find((t) => t.type === 'page');
    if (!page) throw new Error('chromium has no page to drive');
    const ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve, { once: true });
      ws.addEventListener('error', reject, { once: true });
    });
    const answers = new Map<number, (a: CdpAnswer) => void>();
    ws.addEventListener('message', (e) => {
      const answer = JSON.parse(String(e.data)) as CdpAnswer;
      answers.get(answer.id)?.(answer);
    });
    let nextId = 0;
    const send = (method: string, params: object = {}) =>
      new Promise<CdpAnswer>((resolve, reject) => {
        const id = ++nextId;
        answers.set(id, (a) => (a.error ? reject(new Error(`${method}: ${a.error.message}`)) : resolve(a)));
        ws.send(JSON.stringify({ id, method, params }));
      });
    await send('Emulation.setDeviceMetricsOverride', { width: 1600, height: 1200, deviceScaleFactor: 1, mobile: false });
    await send('Page.navigate', { url });
    await new Promise((r) => setTimeout(r, settleMs));
    const shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(file, Buffer.from(shot.result?.data ?? '', 'base64'));
    ws.close();
  } finally {
    // The whole process group: Chromium's helper processes outlive the browser and keep writing to the profile.
    try {
      process.kill(-chromium.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
