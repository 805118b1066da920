/**
 * Finds the compose files and Dockerfiles under the scanned directory. Never
 * enters .git or node_modules, follows symlinks to directories once (a loop is
 * a finding, not a hang) and only while they stay inside the scanned directory
 * (one that leads out is a finding, not read), and reports what it cannot read
 * instead of failing.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Finding } from '../model.js'
import { isWithin } from '../extract/files.js'
import { compileGlob, compileGlobSet, type GlobSet } from './glob.js'
import { renderedPath } from '../extract/template.js'

export const DEFAULT_COMPOSE_PATTERNS = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
  'compose.*.yaml',
  'compose.*.yml',
  'docker-compose.*.yaml',
  'docker-compose.*.yml'
]

export const DEFAULT_DOCKERFILE_PATTERNS = ['Dockerfile', 'Dockerfile.*', '*.Dockerfile', '*.dockerfile', 'Containerfile', 'Containerfile.*']

/** Never descended into, whatever the patterns say. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules'])

/** Files that match the Dockerfile patterns by name but are not Dockerfiles. */
const NOT_DOCKERFILES = compileGlob('*.dockerignore')

/** The literal entry that stands for the default patterns in a `compose-files`/`dockerfiles` list. */
export const DEFAULTS_ENTRY = 'defaults'

export interface DiscoverOptions {
  /** Glob lists; empty means the defaults, and the entry `defaults` adds them to custom patterns. */
  composePatterns: string[]
  dockerfilePatterns: string[]
  exclude: string[]
}

export interface Discovery {
  /** Relative POSIX paths, sorted. */
  composeFiles: string[]
  dockerfiles: string[]
  findings: Finding[]
}

export function discoverFiles(root: string, options: DiscoverOptions): Discovery {
  const compose = compileGlobSet(expandDefaults(options.composePatterns, DEFAULT_COMPOSE_PATTERNS))
  const dockerfiles = compileGlobSet(expandDefaults(options.dockerfilePatterns, DEFAULT_DOCKERFILE_PATTERNS))
  const exclude = compileGlobSet(options.exclude)
  /**
   * What a file's name makes it. Each pattern also matches its template
   * variants (`*.tpl`, `*.template`): `docker-compose.yml.tpl` for
   * `docker-compose.yml`, `Dockerfile.web.tpl` for `Dockerfile.*`.
   * 'not-a-dockerfile': matched by a Dockerfile pattern but a `.dockerignore`.
   */
  const classify = (relative: string): 'compose' | 'dockerfile' | 'not-a-dockerfile' | undefined => {
    const rendered = renderedPath(relative)
    const matches = (set: GlobSet): boolean => set.matches(relative) || (rendered !== undefined && set.matches(rendered))
    if (matches(compose)) return 'compose'
    if (matches(dockerfiles)) return NOT_DOCKERFILES.matches(relative) ? 'not-a-dockerfile' : 'dockerfile'
    return undefined
  }
  /** What a file is can be told from its name alone. */
  const byName = exclude.patterns.length === 0 && compose.byNameOnly && dockerfiles.byNameOnly
  const result: Discovery = { composeFiles: [], dockerfiles: [], findings: [] }
  const visitedDirectories = new Set<string>()
  // Symbolic links are followed only while they stay under the scanned root (DESIGN.md, trust boundaries).
  let realRoot: string
  try {
    realRoot = fs.realpathSync.native(root)
  } catch (error) {
    result.findings.push(unreadable('.', error))
    return result
  }

  /** `real` is the directory's real path: its parent's real path and its name when it is not a symbolic link. */
  const walk = (absolute: string, relative: string, real: string): void => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(absolute, { withFileTypes: true })
    } catch (error) {
      result.findings.push(unreadable(relative || '.', error))
      return
    }
    if (visitedDirectories.has(real)) {
      result.findings.push({
        kind: 'invalid-file',
        severity: 'warning',
        message: `Skipped ${relative}: a symbolic link leads back to a directory already scanned (${path.relative(root, real) || '.'})`,
        file: relative
      })
      return
    }
    visitedDirectories.add(real)
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const isLink = entry.isSymbolicLink()
      // Plain files are only matched by name: no system call for the thousands of files that are neither,
      // and with name patterns only (the defaults) and no exclude, not even their path is built.
      if (!isLink && !entry.isDirectory()) {
        if (!entry.isFile()) continue
        const kind = byName ? classify(entry.name) : undefined
        if (byName && kind !== 'compose' && kind !== 'dockerfile') continue
        const fileRelative = relative === '' ? entry.name : `${relative}/${entry.name}`
        if (!byName && exclude.matches(fileRelative)) continue
        const fileKind = kind ?? classify(fileRelative)
        if (fileKind === 'compose') result.composeFiles.push(fileRelative)
        else if (fileKind === 'dockerfile') result.dockerfiles.push(fileRelative)
        continue
      }
      const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`
      if (exclude.matches(childRelative)) continue
      // Both are normalised already (a resolved root, real paths): a name appended needs no path.join.
      const childAbsolute = `${absolute}${absolute.endsWith(path.sep) ? '' : path.sep}${entry.name}`
      if (!isLink) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(childAbsolute, childRelative, `${real}${real.endsWith(path.sep) ? '' : path.sep}${entry.name}`)
        continue
      }
      let isDirectory: boolean
      let isFile: boolean
      let target: string | undefined
      try {
        const stat = fs.statSync(childAbsolute)
        isDirectory = stat.isDirectory()
        isFile = stat.isFile()
        const wanted = isDirectory ? !SKIPPED_DIRECTORIES.has(entry.name) : classify(childRelative) !== undefined
        target = wanted ? fs.realpathSync.native(childAbsolute) : undefined
        if (target !== undefined && !isWithin(realRoot, target)) {
          result.findings.push({
            kind: 'invalid-file',
            severity: 'warning',
            message: `Skipped ${childRelative}: it is a symbolic link to ${target}, outside the scanned directory; it was not read`,
            file: childRelative,
            suggestion: 'Only files inside the scanned directory are read: copy what it links to into the repository, or scan the directory it lives in'
          })
          continue
        }
      } catch (error) {
        // A dangling link matters only when it has a name we would have read.
        if (classify(childRelative) !== undefined) result.findings.push(unreadable(childRelative, error))
        continue
      }
      if (isDirectory) {
        if (target !== undefined) walk(childAbsolute, childRelative, target)
      } else if (isFile) {
        const kind = classify(childRelative)
        if (kind === 'compose') result.composeFiles.push(childRelative)
        else if (kind === 'dockerfile') result.dockerfiles.push(childRelative)
      }
    }
  }

  walk(path.resolve(root), '', realRoot)
  result.composeFiles.sort()
  result.dockerfiles.sort()
  return result
}

/** The patterns of a list, with the entry `defaults` (or an empty list) standing for the defaults. */
function expandDefaults(patterns: string[], defaults: string[]): string[] {
  return patterns.length === 0 ? defaults : patterns.flatMap(pattern => (pattern === DEFAULTS_ENTRY ? defaults : [pattern]))
}

function unreadable(file: string, error: unknown): Finding {
  const reason = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : String(error)
  return {
    kind: 'invalid-file',
    severity: 'warning',
    message: `Could not read ${file} (${reason}); it was not scanned`,
    file
  }
}

/**
 * Groups compose files into the projects `docker compose` would load: per
 * directory, the base file plus its `.override` file, and each other variant
 * (`docker-compose.prod.yml`) merged on top of the base, so a variant that only
 * changes a tag is read as docker compose -f base -f variant reads it.
 * Templates form projects of their own, by the names they render to, so a
 * rendered file and its template are two projects (compared for staleness).
 */
export function groupComposeProjects(composeFiles: string[]): string[][] {
  const byDirectory = new Map<string, string[]>()
  for (const file of composeFiles) {
    const group = `${path.posix.dirname(file)}\0${renderedPath(file) === undefined ? '' : 'template'}`
    byDirectory.set(group, [...(byDirectory.get(group) ?? []), file])
  }
  const projects: string[][] = []
  for (const files of byDirectory.values()) {
    const name = (file: string): string => path.posix.basename(renderedPath(file) ?? file)
    const base = files.find(file => /^(?:docker-)?compose\.ya?ml$/.test(name(file)))
    const override = files.find(file => base !== undefined && /^(?:docker-)?compose\.override\.ya?ml$/.test(name(file)))
    const variants = files.filter(file => file !== base && file !== override)
    if (base === undefined) {
      for (const file of files) projects.push([file])
      continue
    }
    projects.push(override === undefined ? [base] : [base, override])
    for (const variant of variants) projects.push([base, variant])
  }
  return projects
}
