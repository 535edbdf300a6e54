// SPDX-License-Identifier: MIT
// Bad inputs to every command, run as a user would: `nvgre-rx classify`, `nvgre-rx gen`,
// the `make sim` entry script (tb/cli/run-sim.ts) and the `make fuzz` / `make soak` entry
// scripts. Each must answer with one line on stderr (no stack trace) and a non-zero exit
// code. test/cli-classify.test.ts covers the first classify cases (missing file, a
// truncated record, link type, profile key errors); these are the rest.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame } from '../ref/packets/builder.ts';
import { writePcap } from '../ref/pcap/write.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'nvgre-rx.mjs');
let dir = '';
const p = (name: string): string => join(dir, name);

const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: dir });
const tsx = (script: string, args: string[], env: Record<string, string> = {}) =>
  execa('npx', ['tsx', join(ROOT, script), ...args], { reject: false, cwd: ROOT, env: { ...env, FORCE_COLOR: '0' }, timeout: 120_000 });

function oneLine(r: { stderr: string; exitCode?: number }, msg: RegExp, code?: number): void {
  const lines = r.stderr.split('\n').filter((l) => l.trim().length > 0 && !/ExperimentalWarning|--trace-warnings|dangerous/.test(l));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(msg);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (code !== undefined) expect(r.exitCode).toBe(code);
  else expect(r.exitCode).toBeGreaterThan(0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvgre-rx-errors-'));
  const good = writePcap([buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' }, { kind: 'udp', sport: 1, dport: 2 }])]);
  await writeFile(p('good.pcap'), good);
  await writeFile(p('empty.pcap'), new Uint8Array(0));
  await writeFile(p('tiny.pcap'), Uint8Array.of(0xd4, 0xc3, 0xb2));
  await writeFile(
    p('junk.pcap'),
    Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff),
  );
  await writeFile(p('header-only.pcap'), good.subarray(0, 20));
  // A record announcing 1 GiB of data.
  const huge = good.slice();
  new DataView(huge.buffer).setUint32(24 + 8, 0x40000000, true);
  await writeFile(p('huge-record.pcap'), huge);
  const badTs = good.slice();
  new DataView(badTs.buffer).setUint32(24 + 4, 2_000_000, true);
  await writeFile(p('bad-timestamp.pcap'), badTs);
  // pcapng: a section header block cut in the middle.
  await writeFile(p('cut.pcapng'), Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0));
  await mkdir(p('a-directory.pcap'));
  await writeFile(p('short-key.json'), JSON.stringify({ key: '00' }));
  await writeFile(p('odd-table.json'), JSON.stringify({ indirection: [1, 2, 3] }));
  await writeFile(p('bad-type.json'), JSON.stringify({ hash_types: ['TCP'] }));
  await writeFile(p('big-window.json'), JSON.stringify({ max_header_bytes: 4096 }));
  await writeFile(p('array.json'), '[]');
  await writeFile(p('bad-width.json'), JSON.stringify({ dataWidth: 100 }));
  await writeFile(p('tunnels.json'), JSON.stringify({ udpTunnelPorts: 17 }));
  await writeFile(p('window.json'), JSON.stringify({ parser: 'window' }));
  await writeFile(p('unknown-key.json'), JSON.stringify({ dataWidth: 64, colour: 'red' }));
  await writeFile(p('not-json.json'), '{ "dataWidth": ');
  await writeFile(p('a-file'), 'x');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent('nvgre-rx classify: damaged captures (exit 1)', () => {
  it.each([
    ['empty.pcap', /empty\.pcap: not a capture file: only 0 bytes/],
    ['tiny.pcap', /only 3 bytes/],
    ['junk.pcap', /not a pcap or pcapng file \(magic 0x/],
    ['header-only.pcap', /truncated pcap file header/],
    ['huge-record.pcap', /captured length \d+ is implausible/],
    ['bad-timestamp.pcap', /bad timestamp fraction/],
    ['cut.pcapng', /cut\.pcapng: .*(truncated|block)/],
    ['a-directory.pcap', /cannot read a-directory\.pcap: is a directory/],
  ])('%s', async (file, msg) => {
    const r = await cli('classify', file);
    oneLine(r, msg, 1);
    expect(r.stdout).toBe('');
  });
});

describe.concurrent('nvgre-rx classify: bad profiles and options (exit 2)', () => {
  it.each([
    [['-p', 'short-key.json'], /"key": must be a string of 80 hex digits/],
    [['-p', 'odd-table.json'], /"indirection": must have a power-of-two length/],
    [['-p', 'bad-type.json'], /unknown hash type "TCP"/],
    [['-p', 'big-window.json'], /"max_header_bytes": must be an integer 64\.\.512/],
    [['-p', 'array.json'], /array\.json: /],
    [['--format', 'xml'], /argument 'xml' is invalid\. Allowed choices are jsonl, csv, table/],
  ])('%j', async (args, msg) => {
    oneLine(await cli('classify', ...args, 'good.pcap'), msg, 2);
  });

  it('two capture files', async () => {
    oneLine(await cli('classify', 'good.pcap', 'good.pcap'), /too many arguments for 'classify'/, 2);
  });

  it('an unknown command', async () => {
    oneLine(await cli('clasify', 'good.pcap'), /unknown command 'clasify'/, 2);
  });
});

describe.concurrent('nvgre-rx gen', () => {
  it.each([
    ['missing.json', /cannot read config missing\.json: ENOENT/],
    ['not-json.json', /not-json\.json: not JSON/],
    ['bad-width.json', /bad-width\.json: config: dataWidth/],
    // The window parser has no VXLAN/GENEVE layers.
    ['tunnels.json', /tunnels\.json: config: udpTunnelPorts: /],
    ['window.json', /window\.json: config: parser: the window parser was removed/],
    ['unknown-key.json', /Unrecognized key: "colour"/],
    ['array.json', /array\.json: config: \(root\): .*expected object/],
  ])('--config %s: exit 2', async (file, msg) => {
    const r = await cli('gen', '--config', file, '--out', 'out');
    oneLine(r, msg, 2);
    expect(r.stdout).toBe('');
  });

  it('an output directory that cannot be made: exit 1', async () => {
    oneLine(await cli('gen', '--out', 'a-file/rtl'), /cannot write to a-file\/rtl: ENOTDIR/, 1);
    oneLine(await cli('gen', '--out', 'a-file'), /cannot write to a-file: EEXIST/, 1);
  });

  it('an output path on a pseudo file system fails instead of hanging (Node 20 recursive mkdir loops there)', async () => {
    oneLine(await cli('gen', '--out', '/proc/nvgre-rx-no-such/rtl'), /cannot write to \/proc\/nvgre-rx-no-such\/rtl: ENOENT/, 1);
  });

  it('an unknown option: exit 2', async () => {
    oneLine(await cli('gen', '--width', '64'), /unknown option '--width'/, 2);
  });
});

describe.concurrent('make sim entry script (tb/cli/run-sim.ts)', () => {
  it.each([
    [['--config', 'w48-v6-rk'], /unknown configuration 'w48-v6-rk'/],
    [['--config', 'BAD'], /unknown configuration 'BAD'/],
    [['--seed', 'abc'], /--seed <n>' argument 'abc' is invalid/],
    [['--frames', '-5'], /--frames <n>' argument '-5' is invalid/],
    [['--jobs', '0'], /--jobs <n>' argument '0' is invalid/],
    [['--colour'], /unknown option '--colour'/],
  ])('%j', async (args, msg) => {
    oneLine(await tsx('tb/cli/run-sim.ts', args), msg);
  });

  it('bad build configuration files', async () => {
    oneLine(await tsx('tb/cli/run-sim.ts', ['--config', p('bad-width.json')]), /dataWidth/);
    oneLine(await tsx('tb/cli/run-sim.ts', ['--config', p('missing.json')]), /ENOENT|no such file/);
  });

  it('missing, empty and corrupt captures', async () => {
    oneLine(await tsx('tb/cli/run-sim.ts', ['--pcap', p('missing.pcap')]), /no such file/);
    oneLine(await tsx('tb/cli/run-sim.ts', ['--pcap', p('empty.pcap')]), /only 0 bytes/);
    oneLine(await tsx('tb/cli/run-sim.ts', ['--pcap', p('junk.pcap')]), /not a pcap or pcapng file/);
  });

  it('a bad value from the environment', async () => {
    oneLine(await tsx('tb/cli/run-sim.ts', [], { SEED: 'x' }), /value 'x' from env 'SEED' is invalid/);
  });
});

describe.concurrent('make fuzz / make soak entry scripts', () => {
  it.each([
    ['tb/cli/fuzz.ts', { CONFIG: 'nope' }, /fuzz: unknown configuration 'nope'/],
    ['tb/cli/fuzz.ts', { FUZZ_SECONDS: 'soon' }, /fuzz: FUZZ_SECONDS=soon is not a non-negative number/],
    ['tb/cli/soak.ts', { SOAK_FRAMES: '0' }, /soak: SOAK_FRAMES=0 is not a positive integer/],
    ['tb/cli/soak.ts', { CONFIG: 'default,w99-v6-rk' }, /soak: unknown configuration 'w99-v6-rk'/],
  ])('%s %j: exit 2', async (script, env, msg) => {
    oneLine(await tsx(script, [], env), msg, 2);
  });
});
