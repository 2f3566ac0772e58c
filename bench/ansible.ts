import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../test/fleet/fleet.ts';
import { SERVICE_COMMAND } from '../test/fleet/vm.ts';

/**
 * The baseline: what a team would write without Vesemir — a rolling Ansible
 * playbook doing the same steps (stage, drain, switch, restart, health,
 * weighted enable, 100%), tuned as well as Ansible allows: pipelining,
 * ControlPersist, no fact gathering, enough forks for `serial`. Host keys
 * are checked against the fleet's pinned known_hosts, never skipped.
 */
export interface AnsibleBaseline {
  /** Runs the playbook; resolves with its wall time, rejects with its output when it fails. */
  deploy(version: string, artifactPath: string, serial: number): Promise<number>;
}

export function prepareAnsible(fleet: Fleet, dir: string): AnsibleBaseline {
  mkdirSync(join(dir, 'cp'), { recursive: true });
  mkdirSync(join(dir, 'local-tmp'), { recursive: true });
  const sshArgs = [`-o UserKnownHostsFile=${fleet.env.SSH_KNOWN_HOSTS_PATH}`, '-o GlobalKnownHostsFile=/dev/null', '-o StrictHostKeyChecking=yes'].join(' ');
  // The addresses Chef gives Vesemir: through the latency proxy when the bench routes the fleet through one.
  const line = (h: { name: string }) => `${h.name} ansible_host=${fleet.deployerAddress(h.name)}`;
  writeFileSync(
    join(dir, 'inventory.ini'),
    [
      '[vms]',
      ...fleet.vms.map(line),
      '',
      '[lbs]',
      ...fleet.lbBoxes.map(line),
      '',
      '[all:vars]',
      `ansible_port=${fleet.env.SSH_PORT}`,
      'ansible_user=root',
      `ansible_ssh_private_key_file=${fleet.env.SSH_KEY_PATH}`,
      `ansible_ssh_common_args='${sshArgs}'`,
      'ansible_python_interpreter=/usr/bin/python3',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'ansible.cfg'),
    [
      '[defaults]',
      'forks = 12',
      'host_key_checking = True',
      'gathering = explicit',
      'retry_files_enabled = False',
      `local_tmp = ${join(dir, 'local-tmp')}`,
      'deprecation_warnings = False',
      '',
      '[ssh_connection]',
      'pipelining = True',
      'ssh_args = -o ControlMaster=auto -o ControlPersist=120s',
      `control_path_dir = ${join(dir, 'cp')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'deploy.yml'), playbook(fleet));

  return {
    deploy: (version, artifactPath, serial) =>
      runPlaybook(dir, ['-i', 'inventory.ini', 'deploy.yml', '-e', JSON.stringify({ version, artifact: artifactPath, serial_n: serial })]),
  };
}

/** The playbook, Vesemir's steps one task each; every runtime-API answer must be empty (HAProxy's "done"). */
function playbook(fleet: Fleet): string {
  const { backend, name: app, port } = fleet.app;
  const socat = (command: string, name: string) => `    - name: ${name}
      ansible.builtin.command: socat stdio /run/haproxy/admin.sock
      args:
        stdin: "${command}"
      delegate_to: "{{ item }}"
      loop: "{{ groups['lbs'] }}"
      register: lb_answer
      changed_when: true
      failed_when: lb_answer.rc != 0 or (lb_answer.stdout | trim) != ''
`;
  const server = `${backend}/{{ inventory_hostname }}`;
  return `- name: Rolling deploy of ${app}, Vesemir's steps
  hosts: vms
  gather_facts: false
  serial: "{{ serial_n | int }}"
  any_errors_fatal: true
  vars:
    install_dir: /opt/${app}
    release_dir: "/opt/${app}/releases/{{ version }}"
  tasks:
    - name: stage - release dir
      ansible.builtin.file:
        path: "{{ release_dir }}"
        state: directory
        mode: "0755"
    - name: stage - upload and unpack
      ansible.builtin.unarchive:
        src: "{{ artifact }}"
        dest: "{{ release_dir }}"
${socat(`set server ${server} state drain`, 'drain')}${socat(`set server ${server} state maint`, 'maintenance')}    - name: switch current
      ansible.builtin.file:
        src: "releases/{{ version }}"
        dest: "{{ install_dir }}/current"
        state: link
        force: true
    - name: restart
      ansible.builtin.command: ${SERVICE_COMMAND} restart
      changed_when: true
    - name: health
      ansible.builtin.uri:
        url: "http://{{ ansible_host }}:${port}/health"
      register: health
      until: health.status == 200
      retries: 60
      delay: 1
${socat(`set weight ${server} 50%; set server ${server} state ready`, 'enable at 50%')}${socat(`set weight ${server} 100%`, 'full weight')}`;
}

function runPlaybook(dir: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('ansible-playbook', args, {
      cwd: dir,
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: process.env.HOME ?? '/root',
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
        ANSIBLE_NOCOLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-16_384);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // A hung playbook must not hang the bench.
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - start;
      if (code === 0) resolve(ms);
      else reject(new Error(`ansible-playbook exited ${code ?? signal}:\n${output}`));
    });
  });
}
