import { describe, expect, it } from 'vitest';
import {
  adminStateFromBits,
  InvalidHaproxyNameError,
  isRuntimeError,
  LoadBalancerError,
  parseServersState,
  parseStatSessions,
  setAbsoluteWeightCommand,
  setServerStateCommand,
  setWeightCommand,
  showServersStateCommand,
  showStatCommand,
} from '../../src/domain/haproxy.ts';

// Captured from HAProxy 2.6.12 on this machine (test/fleet/haproxy.ts config):
// web-02 drained while one slow request was in flight, web-03 at `set weight 10%`.
const SERVERS_STATE_DRAIN_AND_WEIGHT = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 app_prod 1 web-02.example 127.175.103.2 2 8 100 100 0 15 3 2 6 0 0 0 - 41009 - 0 0 - - 0
3 app_prod 2 web-03.example 127.175.103.3 2 0 10 100 1 15 3 2 6 0 0 0 - 41029 - 0 0 - - 0

`;

// Captured: vm-2 after `set server app/vm-2 state maint` (operational DOWN, admin 1).
const SERVERS_STATE_MAINT = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 app 1 vm-2 127.189.18.2 0 1 100 100 0 15 3 0 14 0 0 0 - 43189 - 0 0 - - 0
3 app 2 vm-3 127.189.18.3 2 0 100 100 1 15 3 2 6 0 0 0 - 41303 - 0 0 - - 0

`;

// Captured `show stat` at the same moment as SERVERS_STATE_DRAIN_AND_WEIGHT.
const SHOW_STAT = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,
web,FRONTEND,,,1,1,2000,1,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,1,0,1,,,,0,0,0,0,0,0,,1,1,1,,,0,0,0,0,,,,,,,,,,,,,,,,,,,,,http,,1,1,1,0,0,0,0,,,0,0,,,,,,,0,,,,,,,,,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,1,1,178,0,0,0,
app_prod,web-02.example,0,0,1,1,,1,0,0,,0,,0,0,0,0,DRAIN,100,1,0,0,0,0,0,,1,3,1,,1,,2,1,,1,L7OK,200,1,0,0,0,0,0,0,,,,0,0,0,,,,,0,,,0,0,0,0,,,,Layer7 check passed,,1,2,2,,,,127.175.103.2:41009,,http,,,,,,,,0,1,0,,,0,,0,0,0,0,0,0,0,1,2,100,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,
app_prod,web-03.example,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,10,1,0,0,0,1,0,,1,3,2,,0,,2,0,,0,L7OK,200,1,0,0,0,0,0,0,,,,0,0,0,,,,,-1,,,0,0,0,0,,,,Layer7 check passed,,1,2,2,,,,127.175.103.3:41029,,http,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,10,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,
app_prod,BACKEND,0,0,1,1,200,1,0,0,0,0,,0,0,0,0,UP,10,1,0,,0,1,0,,1,3,0,,1,,1,1,,1,,,,0,0,0,0,0,0,,,,0,0,0,0,0,0,0,0,,,0,0,0,0,,,,,,,,,,,,,,http,roundrobin,,,,,,,0,1,0,0,0,,,0,0,0,0,0,,,,,10,0,0,0,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,9,9,616,346,0,0,

`;

describe('runtime-API commands', () => {
  it('builds the exact command strings', () => {
    expect(setServerStateCommand('app_prod', 'web-02.example', 'drain')).toBe('set server app_prod/web-02.example state drain');
    expect(setServerStateCommand('be', 'srv', 'maint')).toBe('set server be/srv state maint');
    expect(setServerStateCommand('be', 'srv', 'ready')).toBe('set server be/srv state ready');
    expect(setWeightCommand('be', 'srv', 10)).toBe('set weight be/srv 10%');
    expect(setWeightCommand('be', 'srv', 100)).toBe('set weight be/srv 100%');
    expect(showServersStateCommand('be')).toBe('show servers state be');
    expect(showStatCommand()).toBe('show stat');
    expect(showStatCommand('be')).toBe('show stat be 4 -1');
  });

  it.each([
    ['', 'server'],
    ['web 01', 'server'],
    ['web;shutdown', 'server'],
    ['web\nshow info', 'server'],
    ['a'.repeat(65), 'server'],
    ['wéb', 'server'],
  ])('refuses the server name %j and names it', (bad, kind) => {
    const build = () => setServerStateCommand('be', bad, 'drain');
    expect(build).toThrow(InvalidHaproxyNameError);
    expect(build).toThrow(`invalid HAProxy ${kind} name ${JSON.stringify(bad)}`);
  });

  it('refuses a bad backend name in every builder', () => {
    expect(() => setWeightCommand('be/x', 'srv', 10)).toThrow('invalid HAProxy backend name "be/x"');
    expect(() => showServersStateCommand('be x')).toThrow('invalid HAProxy backend name "be x"');
    expect(() => showStatCommand('')).toThrow('invalid HAProxy backend name ""');
  });

  it('accepts 64 characters of the safe alphabet', () => {
    const name = `A-z_0.9${'x'.repeat(57)}`;
    expect(setServerStateCommand('be', name, 'drain')).toBe(`set server be/${name} state drain`);
  });

  it('refuses weights that are not an integer percent 0..100', () => {
    for (const bad of [-1, 101, 10.5, Number.NaN]) {
      expect(() => setWeightCommand('be', 'srv', bad)).toThrow(`invalid weight percent ${bad}`);
    }
    expect(setWeightCommand('be', 'srv', 0)).toBe('set weight be/srv 0%');
  });

  it('refuses a state outside ready|drain|maint', () => {
    expect(() => setServerStateCommand('be', 'srv', 'up' as 'ready')).toThrow('invalid HAProxy server state "up"');
  });
});

describe('answers', () => {
  it('treats an empty answer as success and any text as an error', () => {
    expect(isRuntimeError('\n')).toBe(false);
    expect(isRuntimeError('')).toBe(false);
    expect(isRuntimeError('No such server.\n\n')).toBe(true);
    expect(isRuntimeError("Can't find backend.\n\n")).toBe(true);
  });

  it('parses show servers state: drain, weight and initial weight', () => {
    expect(parseServersState(SERVERS_STATE_DRAIN_AND_WEIGHT)).toEqual([
      { backend: 'app_prod', server: 'web-02.example', admin: 'drain', operational: 'UP', weight: 100, initialWeight: 100 },
      { backend: 'app_prod', server: 'web-03.example', admin: 'ready', operational: 'UP', weight: 10, initialWeight: 100 },
    ]);
  });

  it('parses show servers state: maintenance and DOWN', () => {
    const [vm2, vm3] = parseServersState(SERVERS_STATE_MAINT);
    expect(vm2).toMatchObject({ server: 'vm-2', admin: 'maint', operational: 'DOWN' });
    expect(vm3).toMatchObject({ server: 'vm-3', admin: 'ready', operational: 'UP' });
  });

  it('refuses an error line instead of the table', () => {
    expect(() => parseServersState("Can't find backend.\n\n")).toThrow("unexpected answer to 'show servers state': Can't find backend.");
    expect(() => parseStatSessions('No such proxy.\n\n')).toThrow("unexpected answer to 'show stat': No such proxy.");
  });

  it('maps every admin bit', () => {
    expect(adminStateFromBits(0)).toBe('ready');
    expect(adminStateFromBits(0x40)).toBe('ready'); // FQDN changed only
    for (const maint of [0x01, 0x02, 0x04, 0x20, 0x01 | 0x08]) expect(adminStateFromBits(maint)).toBe('maint');
    for (const drain of [0x08, 0x10]) expect(adminStateFromBits(drain)).toBe('drain');
  });

  it('reads current sessions per server from show stat, without FRONTEND/BACKEND rows', () => {
    expect(parseStatSessions(SHOW_STAT)).toEqual([
      { backend: 'app_prod', server: 'web-02.example', current: 1, queued: 0, status: 'DRAIN' },
      { backend: 'app_prod', server: 'web-03.example', current: 0, queued: 0, status: 'UP' },
    ]);
  });

  it('builds absolute weight commands and refuses weights HAProxy does not take', () => {
    expect(setAbsoluteWeightCommand('be', 'srv', 1)).toBe('set weight be/srv 1');
    expect(setAbsoluteWeightCommand('be', 'srv', 256)).toBe('set weight be/srv 256');
    expect(setAbsoluteWeightCommand('be', 'srv', 0)).toBe('set weight be/srv 0');
    for (const bad of [-1, 257, 2.5, Number.NaN]) {
      expect(() => setAbsoluteWeightCommand('be', 'srv', bad)).toThrow(`invalid HAProxy weight ${bad}: use an integer 0..256`);
    }
    expect(() => setAbsoluteWeightCommand('be', 'srv;x', 1)).toThrow('invalid HAProxy server name "srv;x"');
  });

  it('names the box, the server and the answer in a LoadBalancerError', () => {
    const error = new LoadBalancerError('lb-1', 'app', 'web-01', 'No such server.\n', "'set server app/web-01 state drain' failed");
    expect(error.message).toBe("HAProxy on lb-1, app/web-01: 'set server app/web-01 state drain' failed (HAProxy said: No such server.)");
    expect(error).toMatchObject({ type: 'LoadBalancerError', lb: 'lb-1', backend: 'app', server: 'web-01' });
  });
});
