#!/usr/bin/env node
/**
 * Builds the libtorch addon of packages/tfjs-backend-torch with node-gyp.
 *
 * libtorch is looked up, in order, from:
 *   LIBTORCH_DIR=<folder with include/ and lib/>  (an unpacked libtorch archive)
 *   TORCH_PYTHON=python3                          (ask an installed pip `torch` for its paths)
 *   Debian's libtorch-dev                         (/usr/include/ATen, /usr/lib/<triplet>)
 *
 * The product runs without the addon (on the wasm backend), so a missing libtorch or a failed
 * compile is not an installation error: this prints one line saying why and exits 0. The full
 * compiler output goes to packages/tfjs-backend-torch/build/build-native.log.
 * Set DAG_GAN_SKIP_NATIVE=1 to skip the build, DAG_GAN_NATIVE_STRICT=1 to exit 1 on failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = join(root, 'packages', 'tfjs-backend-torch');
const logFile = join(pkgDir, 'build', 'build-native.log');
const strict = process.env.DAG_GAN_NATIVE_STRICT === '1';

function finish(ok, message) {
  console.log(`tfjs-backend-torch: ${message}`);
  process.exit(ok || !strict ? 0 : 1);
}

/** Returns {includeDirs, libDir, cxx11Abi, source} or a string saying why none was found. */
function findLibtorch() {
  const dir = process.env.LIBTORCH_DIR;
  if (dir) {
    const inc = join(dir, 'include');
    const lib = join(dir, 'lib');
    if (!existsSync(join(inc, 'ATen', 'ATen.h')) || !existsSync(join(lib, 'libtorch.so'))) {
      return `LIBTORCH_DIR=${dir} has no include/ATen/ATen.h and lib/libtorch.so`;
    }
    // Official libtorch archives come in both ABIs; the "cxx11-abi" ones say so in their name.
    const abi = process.env.TORCH_CXX11_ABI ?? (/pre-cxx11/.test(dir) ? '0' : '1');
    const api = join(inc, 'torch', 'csrc', 'api', 'include');
    return { includeDirs: [inc, api], libDir: lib, cxx11Abi: abi, source: `LIBTORCH_DIR=${dir}` };
  }
  const python = process.env.TORCH_PYTHON;
  if (python) {
    const code =
      'import json, torch, torch.utils.cpp_extension as e; print(json.dumps({' +
      '"inc": e.include_paths(), "lib": e.library_paths()[0], ' +
      '"abi": int(torch._C._GLIBCXX_USE_CXX11_ABI)}))';
    const r = spawnSync(python, ['-c', code], { encoding: 'utf8' });
    if (r.status !== 0) {
      const why = (r.stderr || r.error?.message || '').trim().split('\n').pop();
      return `TORCH_PYTHON=${python} could not report torch's paths (${why})`;
    }
    const info = JSON.parse(r.stdout.trim().split('\n').pop());
    return {
      includeDirs: info.inc,
      libDir: info.lib,
      cxx11Abi: String(info.abi),
      source: `TORCH_PYTHON=${python}`,
    };
  }
  const triplets = ['x86_64-linux-gnu', 'aarch64-linux-gnu'];
  for (const t of triplets) {
    const lib = `/usr/lib/${t}`;
    if (existsSync('/usr/include/ATen/ATen.h') && existsSync(join(lib, 'libtorch.so'))) {
      return {
        includeDirs: ['/usr/include', '/usr/include/torch/csrc/api/include'],
        libDir: lib,
        cxx11Abi: '1',
        source: 'Debian libtorch-dev',
      };
    }
  }
  return 'libtorch not found (install libtorch-dev, or set LIBTORCH_DIR or TORCH_PYTHON)';
}

/** node-gyp ships inside npm; npm tells its scripts where, else look next to node. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules',
      'node-gyp', 'bin', 'node-gyp.js'),
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c));
}

/** Node's headers next to the running node, so node-gyp needs no download. */
function findNodeDir() {
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return undefined;
}

if (process.env.DAG_GAN_SKIP_NATIVE === '1') finish(true, 'skipped (DAG_GAN_SKIP_NATIVE=1)');
const torch = findLibtorch();
if (typeof torch === 'string') finish(false, `not built: ${torch}; the wasm backend will be used`);
const nodeGyp = findNodeGyp();
if (!nodeGyp) finish(false, 'not built: node-gyp not found (it ships with npm)');
if (!existsSync(join(root, 'node_modules', 'node-addon-api'))) {
  finish(false, 'not built: node-addon-api is not installed (run npm install)');
}

const args = [nodeGyp, 'rebuild', `--directory=${pkgDir}`, `--jobs=${availableParallelism()}`];
const nodeDir = findNodeDir();
if (nodeDir) args.push(`--nodedir=${nodeDir}`);
const env = {
  ...process.env,
  TORCH_INCLUDE_DIRS: torch.includeDirs.join(' '),
  TORCH_LIB_DIR: torch.libDir,
  TORCH_CXX11_ABI: torch.cxx11Abi,
};
const started = Date.now();
const r = spawnSync(process.execPath, args, { cwd: pkgDir, env, encoding: 'utf8' });
mkdirSync(dirname(logFile), { recursive: true });
writeFileSync(logFile, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
const seconds = ((Date.now() - started) / 1000).toFixed(0);
const built = join(pkgDir, 'build', 'Release', 'tfjs_backend_torch.node');
if (r.status === 0 && existsSync(built)) {
  finish(true, `built against ${torch.source} in ${seconds} s`);
}
const firstError =
  `${r.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l))?.trim() ??
  r.error?.message ??
  `node-gyp exited with ${r.status}`;
finish(false, `build failed: ${firstError.slice(0, 160)} (full log: ${logFile})`);
