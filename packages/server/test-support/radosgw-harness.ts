/**
 * Test tooling: a throw-away single-node Ceph cluster serving S3 through the RADOS Gateway
 * (Debian's `radosgw ceph-mon ceph-osd`, installed by ./run), in a temp folder on free loopback
 * ports, stopped and deleted afterwards. Same idea as Ceph's src/vstart.sh, cut down:
 *
 * - one monitor (`ceph-mon --mkfs` from a monmap), one OSD on `memstore` (RAM, nothing on
 *   disk), no manager (pool creation does not need one), pools of size 1;
 * - no cephx (`auth_*_required = none`), so no keyrings; messenger modes `crc`, because a
 *   daemon's default mon client mode is `secure`, which needs cephx (without this radosgw waits
 *   300 s on `get_initial_auth_request returned -13`);
 * - IPv4 loopback only (`ms_bind_ipv6 = false`, `public_addr = 127.0.0.1`);
 * - the daemons run in the foreground (`-f`) as children of the test process, which kills them.
 *
 * Start-up takes about 2 s here (`paxos_propose_interval = 0.05`: radosgw creates its pools one
 * monitor round each, 1 s apiece by default).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph'];

export interface TestRadosgw {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Milliseconds from start to S3 answering with the user created. */
  startupMs: number;
  version: string;
  stop(): Promise<void>;
}

/** True when all the binaries are installed. */
export function radosgwAvailable(): boolean {
  return BINARIES.every(
    (b) => spawnSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' }).stdout.trim() !== '',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], timeout = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', timeout }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startRadosgw(): Promise<TestRadosgw> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'dualrec-rgw-'));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const stop = async () => {
    process.removeListener('exit', killAll);
    // Reverse order: radosgw, then the OSD, then the monitor.
    for (const c of [...children].reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGKILL');
        await Promise.race([exited, sleep(2_000)]);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const [monV2, monV1, rgwPort] = [await freePort(), await freePort(), await freePort()];
    const monAddr = `[v2:127.0.0.1:${monV2},v1:127.0.0.1:${monV1}]`;
    const fsid = randomUUID();
    const conf = join(dir, 'ceph.conf');
    for (const d of ['run', 'log', 'mon.a', 'osd.0', 'rgw']) await mkdir(join(dir, d));
    await writeFile(
      conf,
      `[global]
fsid = ${fsid}
mon_host = ${monAddr}
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv4 = true
ms_bind_ipv6 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc
ms_mon_cluster_mode = crc
ms_mon_service_mode = crc
ms_client_mode = crc
ms_cluster_mode = crc
ms_service_mode = crc
run_dir = ${dir}/run
log_file = ${dir}/log/$name.log
keyring = ${dir}/keyring
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_crush_chooseleaf_type = 0
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
mon_data_avail_crit = 0
mon_data_avail_warn = 0
paxos_propose_interval = 0.05
[mon]
mon_data = ${dir}/mon.$id
admin_socket = ${dir}/run/$name.asok
pid_file = ${dir}/run/$name.pid
[osd]
osd_data = ${dir}/osd.$id
osd_objectstore = memstore
memstore_device_bytes = 1073741824
admin_socket = ${dir}/run/$name.asok
pid_file = ${dir}/run/$name.pid
[client.rgw]
rgw_data = ${dir}/rgw
rgw_frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw_dns_name = localhost
admin_socket = ${dir}/run/$name.asok
pid_file = ${dir}/run/$name.pid
`,
    );
    let stopping = false;
    let failure: string | undefined;
    const daemon = (command: string, args: string[]) => {
      const child = spawn(command, ['-f', '-c', conf, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      child.once('exit', (code, signal) => {
        if (!stopping) failure ??= `${command} exited (${code ?? signal}): ${stderr.trim()}`;
      });
      children.push(child);
    };
    const ceph = (...args: string[]) => run('ceph', ['-c', conf, '--connect-timeout', '20', ...args]);
    const waitFor = async (what: string, check: () => Promise<boolean>, ms = 60_000) => {
      const until = Date.now() + ms;
      for (;;) {
        if (failure) throw new Error(failure);
        if (await check().catch(() => false)) return;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what} (logs in ${dir}/log)`);
        await sleep(100);
      }
    };

    const monmap = join(dir, 'monmap');
    await run('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', monAddr, monmap]);
    await run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', monmap]);
    daemon('ceph-mon', ['-i', 'a']);
    const osdId = (await ceph('osd', 'create')).trim();
    await run('ceph-osd', ['-c', conf, '--mkfs', '-i', osdId]);
    daemon('ceph-osd', ['-i', osdId]);
    await waitFor(
      'the OSD',
      async () => JSON.parse(await ceph('osd', 'stat', '-f', 'json')).num_up_osds === 1,
    );
    daemon('radosgw', ['-n', 'client.rgw']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitFor('radosgw', async () => (await fetch(endpoint)).ok);
    const credentials = {
      accessKeyId: randomBytes(10).toString('hex').toUpperCase(),
      secretAccessKey: randomBytes(20).toString('hex'),
    };
    await run('radosgw-admin', [
      '-c',
      conf,
      'user',
      'create',
      '--uid',
      'dualrec',
      '--display-name',
      'dualrec tests',
      '--access-key',
      credentials.accessKeyId,
      '--secret',
      credentials.secretAccessKey,
    ]);
    const version = (await run('radosgw', ['--version'])).trim().replace(/ \([0-9a-f]+\)/, '');
    return {
      endpoint,
      credentials,
      startupMs: Date.now() - started,
      version,
      stop: async () => {
        stopping = true;
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
