#!/usr/bin/env node
// The pinned npm package @pydantic/genai-prices (MIT, https://github.com/pydantic/genai-prices),
// used two ways by internal/mapping/prices:
//
//   node scripts/genai-prices.mjs vendor VERSION OUT.json
//       `make prices`: writes the package's price data (its providers, their models, match rules
//       and prices, and its unit registry) as one JSON file, with the package name, version,
//       npm integrity, publication time and the UTC date the data was taken.
//   node scripts/genai-prices.mjs oracle VERSION < cases.json > results.json
//       the oracle of internal/mapping/prices/oracle_test.go: runs the package's own calcPrice
//       over the cases and prints the results.
//
// Both install the package once into _build/genai-prices/VERSION with npm (registry access
// needed the first time only). Needs node >= 20 and npm.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const PKG = '@pydantic/genai-prices'
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function die(msg) {
  process.stderr.write(`genai-prices: ${msg}\n`)
  process.exit(1)
}

// install puts PKG@version under _build/genai-prices/<version> and returns the package directory.
function install(version) {
  if (!/^\d+\.\d+\.\d+$/.test(version)) die(`version ${JSON.stringify(version)} is not an exact x.y.z version`)
  const dir = path.join(ROOT, '_build', 'genai-prices', version)
  const pkgDir = path.join(dir, 'node_modules', ...PKG.split('/'))
  const manifest = path.join(pkgDir, 'package.json')
  if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).version === version) return { dir, pkgDir }
  fs.mkdirSync(path.dirname(dir), { recursive: true })
  const tmp = fs.mkdtempSync(`${dir}.tmp-`)
  fs.writeFileSync(path.join(tmp, 'package.json'), '{"private":true}\n')
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save-exact', `${PKG}@${version}`], {
      cwd: tmp,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true })
    die(`npm install ${PKG}@${version} failed: ${e.message}`)
  }
  fs.rmSync(dir, { recursive: true, force: true })
  try {
    fs.renameSync(tmp, dir)
  } catch (e) {
    // another process installed it at the same time: use theirs
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  return { dir, pkgDir }
}

async function loadPackage(version) {
  const { dir, pkgDir } = install(version)
  const mod = await import(pathToFileURL(path.join(pkgDir, 'dist', 'index.js')).href)
  return { dir, pkgDir, mod }
}

// units reads the package's unit registry (usage key → dimensions, per, price_key), which its
// dist/index.js keeps in a module constant passed to the registry class (`const X = new Y(J)`)
// without exporting it: a copy of the module with one added export line reads it.
async function units(pkgDir) {
  const src = fs.readFileSync(path.join(pkgDir, 'dist', 'index.js'), 'utf8')
  const cls = /class (\w+) \{[^]*?ancestorUsageKeys\(/.exec(src)
  if (!cls) die('dist/index.js has no unit registry class (ancestorUsageKeys): the package layout changed')
  const inst = new RegExp(`const \\w+ = new ${cls[1]}\\((\\w+)\\);`).exec(src)
  if (!inst) die(`dist/index.js never instantiates ${cls[1]}: the package layout changed`)
  const probe = path.join(pkgDir, 'dist', 'units-probe.mjs')
  fs.writeFileSync(probe, `${src}\nexport { ${inst[1]} as __genaiPricesUnits };\n`)
  const { __genaiPricesUnits: u } = await import(pathToFileURL(probe).href)
  for (const [k, v] of Object.entries(u)) {
    if (typeof v.per !== 'number' || typeof v.dimensions !== 'object') die(`unit ${k} has no per/dimensions: the package layout changed`)
  }
  return u
}

async function vendor(version, out) {
  if (!out) die('usage: genai-prices.mjs vendor VERSION OUT.json')
  const { dir, pkgDir, mod } = await loadPackage(version)
  const providers = await mod.waitForUpdate() // the bundled data: no update source is configured
  if (!Array.isArray(providers) || providers.length === 0) die('waitForUpdate() returned no providers')
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'))
  const entry = lock.packages?.[`node_modules/${PKG}`] ?? {}
  let published = ''
  try {
    const times = JSON.parse(execFileSync('npm', ['view', `${PKG}@${version}`, 'time', '--json'], { encoding: 'utf8' }))
    published = times[version] ?? ''
  } catch {
    process.stderr.write('genai-prices: npm view failed; "published" left empty\n')
  }
  const data = {
    package: PKG,
    version,
    license: JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).license,
    homepage: 'https://github.com/pydantic/genai-prices',
    integrity: entry.integrity ?? '',
    published,
    taken: new Date().toISOString().slice(0, 10),
    units: await units(pkgDir),
    providers,
  }
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true })
  fs.writeFileSync(out, JSON.stringify(data, null, 1) + '\n')
  const models = providers.reduce((n, p) => n + p.models.length, 0)
  process.stderr.write(`genai-prices: wrote ${out}: ${PKG}@${version}, ${providers.length} providers, ${models} models; doc.go must say "version ${version}, taken ${data.taken}"\n`)
}

// The lookup chain of prices.Table.Lookup, written again here from its documentation, with the
// package's calcPrice as the step: for each provider stage (the given provider's table, then the
// provider whose model_match claims the name), each candidate name, first without and then with a
// date suffix stripped.
const BEDROCK = /^(?:(?:us|eu|apac|jp|au|ca|us-gov|global)\.)?(?:ai21|amazon|anthropic|cohere|deepseek|meta|mistral|moonshot|openai|qwen|writer)\.(.+?)(?:-v\d+(?::\d+)?)?$/
const DATE_SUFFIX = /(?:-20\d{2}-\d{2}-\d{2}|[-@]20\d{6})$/
function candidates(model) {
  const out = []
  const add = (s) => s && !out.includes(s) && out.push(s)
  const m = model.trim().toLowerCase()
  add(m)
  const s = m.startsWith('models/') ? m.slice('models/'.length) : m
  add(s)
  if (s.includes('/')) {
    add(s.slice(s.indexOf('/') + 1))
    add(s.slice(s.lastIndexOf('/') + 1))
  }
  const bedrock = BEDROCK.exec(s)
  if (bedrock) add(bedrock[1])
  for (const n of [...out]) add(n.replace(DATE_SUFFIX, ''))
  return out
}
function chain(calcPrice, c) {
  const names = candidates(c.model)
  const stages = []
  const given = (c.provider ?? '').trim().toLowerCase()
  const dot = given.indexOf('.')
  if (given) stages.push(c.aliases[given] ?? (dot > 0 ? c.aliases[given.slice(0, dot)] : undefined) ?? given)
  stages.push(undefined)
  for (const providerId of stages) {
    for (const name of names) {
      const r = calcPrice(c.usage, name, { providerId, timestamp: new Date(c.time_ms) })
      if (r) return r
    }
  }
  return null
}

async function oracle(version) {
  const { mod } = await loadPackage(version)
  const { cases, aliases } = JSON.parse(fs.readFileSync(0, 'utf8'))
  const results = cases.map((c) => {
    try {
      const r = c.chain
        ? chain(mod.calcPrice, { ...c, aliases })
        : mod.calcPrice(c.usage, c.model, { providerId: c.provider || undefined, timestamp: new Date(c.time_ms) })
      if (!r) return { found: false }
      return {
        found: true,
        provider: r.provider.id,
        model: r.model.id,
        context_window: r.model.context_window ?? 0,
        total_price: r.total_price,
      }
    } catch (e) {
      return { found: true, error: String(e.message ?? e) }
    }
  })
  process.stdout.write(JSON.stringify({ version, results }) + '\n')
}

const [mode, version, out] = process.argv.slice(2)
if (mode === 'vendor') await vendor(version, out)
else if (mode === 'oracle') await oracle(version)
else die('usage: genai-prices.mjs vendor VERSION OUT.json | oracle VERSION < cases.json')
