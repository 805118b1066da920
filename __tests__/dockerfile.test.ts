import { describe, expect, it } from '@jest/globals'
import { extractDockerfile, rewriteDockerfileImages } from '../src/extract/dockerfile.js'

const FILE = 'svc/Dockerfile'
const scan = (text: string, options: { buildArgs?: Record<string, string>; target?: string } = {}) => extractDockerfile(text, { file: FILE, ...options })
const images = (text: string, options: { buildArgs?: Record<string, string>; target?: string } = {}) =>
  scan(text, options).references.map(reference => `${reference.text}@${reference.origin.line}:${reference.source}`)

describe('extractDockerfile finds the images a build pulls', () => {
  it.each<[string, string, string[]]>([
    ['a plain FROM', 'FROM postgres:15-alpine\n', ['postgres:15-alpine@1:from']],
    ['lower-case keywords and an alias', 'from golang:1.24 as build\nfrom alpine\ncopy --from=build /a /b\n', ['golang:1.24@1:from', 'alpine@2:from']],
    ['a digest', `FROM nginx@sha256:${'b'.repeat(64)}\n`, [`nginx@sha256:${'b'.repeat(64)}@1:from`]],
    ['--platform before the image', 'FROM --platform=linux/arm64 redis:7\n', ['redis:7@1:from']],
    ['scratch is not an image', 'FROM scratch\nCOPY x /\n', []],
    ['an earlier stage is not an image', 'FROM node:22 AS deps\nFROM deps AS build\nFROM build\n', ['node:22@1:from']],
    ['stage names are case-insensitive', 'FROM node:22 AS Deps\nFROM deps\n', ['node:22@1:from']],
    ['COPY --from an image', 'FROM alpine\nCOPY --from=nginx:latest /etc/nginx /etc/nginx\n', ['alpine@1:from', 'nginx:latest@2:copy-from']],
    ['COPY --from a stage index', 'FROM golang AS b\nFROM alpine\nCOPY --from=0 /a /a\n', ['golang@1:from', 'alpine@2:from']],
    ['RUN --mount from an image', 'FROM alpine\nRUN --mount=type=bind,from=busybox:1.36,target=/b ls /b\n', ['alpine@1:from', 'busybox:1.36@2:mount-from']],
    ['RUN --mount from a stage', 'FROM golang AS tools\nFROM alpine\nRUN --mount=type=bind,from=tools,target=/t ls\n', ['golang@1:from', 'alpine@2:from']],
    ['a line continuation', 'FROM \\\n  python:3.13-alpine \\\n  AS base\n', ['python:3.13-alpine@1:from']],
    ['the escape directive', '# escape=`\nFROM `\n  node:18-alpine\nRUN echo \\\n', ['node:18-alpine@2:from']],
    ['comments are ignored', '# FROM evil:1\nFROM alpine:3\n  # FROM indented:1\n', ['alpine:3@2:from']],
    ['a global ARG default', 'ARG GO=1.24\nFROM golang:${GO}-alpine\n', ['golang:1.24-alpine@2:from']],
    ['$VAR without braces', 'ARG BASE=alpine\nFROM $BASE:3\n', ['alpine:3@2:from']],
    ['${VAR:-default} for an unset ARG', 'ARG V\nFROM node:${V:-20}\n', ['node:20@2:from']],
    ['${VAR-default} keeps an empty value', 'ARG V=\nFROM node${V-:20}\n', ['node@2:from']],
    ['${VAR:+alt}', 'ARG SLIM=1\nFROM python:3.13${SLIM:+-slim}\n', ['python:3.13-slim@2:from']],
    ['an ARG after FROM does not reach FROM', 'FROM alpine\nARG X=1\nFROM busybox\n', ['alpine@1:from', 'busybox@3:from']],
    ['the syntax directive names the frontend image', '# syntax=docker/dockerfile:1\nFROM alpine\n', ['docker/dockerfile:1@1:from', 'alpine@2:from']],
    ['a syntax comment after another comment is no directive', '# build me\n# syntax=docker/dockerfile:1\nFROM alpine\n', ['alpine@3:from']],
    ['COPY --from a later stage is a stage, not an image', 'FROM alpine AS a\nCOPY --from=b /x /y\nFROM busybox AS b\n', ['alpine@1:from', 'busybox@3:from']]
  ])('%s', (_, text, expected) => {
    expect(scan(text).findings).toEqual([])
    expect(images(text)).toEqual(expected)
  })

  it('lets build args override declared ARG defaults, as compose build.args do', () => {
    const text = 'ARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_VERSION}-alpine\n'
    expect(images(text, { buildArgs: { PYTHON_VERSION: '3.13' } })).toEqual(['python:3.13-alpine@2:from'])
  })

  it('ignores build args for ARGs the file never declares', () => {
    const text = 'FROM python:${PYTHON_VERSION:-3.11}\n'
    expect(images(text, { buildArgs: { PYTHON_VERSION: '3.13' } })).toEqual(['python:3.11@1:from'])
  })

  it('resolves COPY --from with a stage ARG', () => {
    const text = 'ARG TOOLS=busybox:1\nFROM alpine\nARG TOOLS\nCOPY --from=${TOOLS} /bin/x /x\n'
    expect(images(text)).toEqual(['alpine@2:from', 'busybox:1@4:copy-from'])
  })

  it('keeps the --platform of a FROM, but not one the builder decides', () => {
    const references = scan('FROM --platform=linux/arm64 redis:7\nFROM --platform=$BUILDPLATFORM golang:1.25\n').references
    expect(references.map(reference => reference.platform)).toEqual(['linux/arm64', undefined])
  })

  it('counts every stage, whatever the target, and says which images the target needs', () => {
    const text = ['# syntax=docker/dockerfile:1.7', 'FROM golang:1.25 AS build', 'FROM node:22 AS docs', 'FROM alpine AS runtime', 'COPY --from=build /a /a', 'FROM busybox AS debug'].join('\n')
    const withTarget = scan(text, { target: 'runtime' })
    expect(withTarget.references.map(reference => reference.text)).toEqual(['docker/dockerfile:1.7', 'golang:1.25', 'node:22', 'alpine', 'busybox'])
    expect(withTarget.targetNeeds).toEqual(['docker/dockerfile:1.7', 'golang:1.25', 'alpine'])
    expect(scan(text).targetNeeds).toHaveLength(5)
  })

  it('marks the syntax frontend', () => {
    expect(scan('#syntax = docker/dockerfile:1.4\nFROM alpine\n').references[0]).toMatchObject({ text: 'docker/dockerfile:1.4', frontend: true, origin: { file: FILE, line: 1 } })
  })
})

describe('extractDockerfile reports bad input with file and line', () => {
  it.each<[string, string, string, number, RegExp]>([
    ['a FROM without an image', 'FROM\n', 'invalid-reference', 1, /FROM without an image in svc\/Dockerfile:1/],
    ['an undeclared variable', 'FROM node:${NODE_VERSION}\n', 'unresolved-variable', 1, /\$\{NODE_VERSION\} with no value/],
    ['an ARG with no default', 'ARG TAG\nFROM node:$TAG\n', 'unresolved-variable', 2, /\$\{TAG\}/],
    ['an unterminated ${', 'ARG A=1\nFROM node:${A\n', 'unresolved-variable', 2, /unterminated/],
    ['a required variable', 'FROM node:${V:?set-V-to-the-node-version}\n', 'unresolved-variable', 1, /V: set-V-to-the-node-version/],
    ['an unknown stage index', 'FROM alpine\nCOPY --from=3 /a /a\n', 'invalid-reference', 2, /stage 3, but the file has stages 0 to 0/],
    ['a stage index naming its own stage', 'FROM alpine\nFROM busybox\nCOPY --from=1 /a /a\n', 'invalid-reference', 3, /names the stage it is part of \(stage 1\)/],
    ['a stage copying from itself', 'FROM alpine AS a\nCOPY --from=a /a /a\n', 'invalid-reference', 2, /names the stage it is part of \(a\)/],
    ['an empty ARG that leaves no image', 'ARG BASE=\nFROM ${BASE}\n', 'unresolved-variable', 2, /is empty once its variables are substituted/]
  ])('%s', (_, text, kind, line, message) => {
    const result = scan(text)
    expect(result.findings).toHaveLength(1)
    expect(result.findings[0]).toMatchObject({ kind, file: FILE, line, severity: 'error' })
    expect(result.findings[0]?.message).toMatch(message)
  })

  it('never returns a reference that still holds a variable, and keeps the others', () => {
    const result = scan('FROM node:${MISSING}\nFROM alpine:3\n')
    expect(result.references.map(reference => reference.text)).toEqual(['alpine:3'])
    expect(result.references.some(reference => reference.text.includes('$'))).toBe(false)
  })

  it('reports an unknown build target and still scans every stage', () => {
    const result = scan('FROM alpine AS a\n', { target: 'nope' })
    expect(result.findings[0]).toMatchObject({ kind: 'invalid-reference', file: FILE })
    expect(result.findings[0]?.message).toMatch(/Build target 'nope' is not a stage.*stages: a/)
    expect(result.references).toHaveLength(1)
  })

  it('warns about a file with no FROM', () => {
    expect(scan('RUN echo hi\n').findings[0]).toMatchObject({ kind: 'invalid-file', severity: 'warning', line: 1 })
  })
})

describe('rewriteDockerfileImages points every image at its mirror and leaves the rest', () => {
  const mirror = (reference: string): string | undefined => (reference === 'scratch' ? undefined : `registry.local/mirror/${reference}`)

  it('rewrites FROM, COPY --from and RUN --mount from, resolving ARGs in the rewritten text', () => {
    const text = [
      'ARG GO_VERSION=1.24',
      'FROM --platform=linux/amd64 golang:${GO_VERSION}-alpine AS build',
      'RUN --mount=type=bind,from=busybox:1,target=/b echo hi',
      'FROM alpine:latest',
      'COPY --from=build /a /a',
      'COPY --from=nginx:1.27 /etc/nginx /etc/nginx',
      ''
    ].join('\n')
    const result = rewriteDockerfileImages(text, mirror, { file: FILE, buildArgs: { GO_VERSION: '1.25' } })
    expect(result.text).toBe(
      [
        'ARG GO_VERSION=1.24',
        'FROM --platform=linux/amd64 registry.local/mirror/golang:1.25-alpine AS build',
        'RUN --mount=type=bind,from=registry.local/mirror/busybox:1,target=/b echo hi',
        'FROM registry.local/mirror/alpine:latest',
        'COPY --from=build /a /a',
        'COPY --from=registry.local/mirror/nginx:1.27 /etc/nginx /etc/nginx',
        ''
      ].join('\n')
    )
    expect(extractDockerfile(result.text, { file: FILE }).references.every(reference => reference.text.startsWith('registry.local/mirror/'))).toBe(true)
  })

  it('keeps CRLF line endings and continuations intact', () => {
    const text = 'FROM \\\r\n  alpine:3\r\nRUN echo hi\r\n'
    expect(rewriteDockerfileImages(text, mirror, { file: FILE }).text).toBe('FROM \\\r\n  registry.local/mirror/alpine:3\r\nRUN echo hi\r\n')
  })
})

describe('docker semantics: unset variables, named contexts, stages', () => {
  it.each<[string, string, string[], string[]]>([
    // [name, Dockerfile, images, severities of findings]
    ['an undeclared ARG that leaves a valid image: a warning', 'FROM ${REGISTRY}alpine:3\n', ['alpine:3'], ['warning unresolved-variable']],
    ['its bad-input twin, an undeclared tag: an error, no image', 'FROM alpine:${TAG}\n', [], ['error unresolved-variable']],
    ['an ARG declared without a value: empty, with a warning', 'ARG PREFIX\nFROM ${PREFIX}busybox:1\n', ['busybox:1'], ['warning unresolved-variable']],
    ['its twin, a value from a build arg: no finding', 'ARG PREFIX\nFROM ${PREFIX}busybox:1\n', ['busybox:1'], []],
    ['COPY --from an undeclared variable that leaves nothing: an error', 'FROM alpine\nCOPY --from=${SRC} /a /a\n', ['alpine'], ['error unresolved-variable']]
  ])('%s', (name, text, expected, severities) => {
    const result = scan(text, name.startsWith('its twin, a value') ? { buildArgs: { PREFIX: '' } } : {})
    expect(result.references.map(reference => reference.text)).toEqual(expected)
    expect(result.findings.map(finding => `${finding.severity} ${finding.kind}`)).toEqual(severities)
  })

  const contexts = { alpine: 'docker-image://alpine:3.19', base: 'service:base', assets: './assets', remote: 'https://github.com/acme/assets.git' }
  it.each<[string, string, string[]]>([
    ['a docker-image:// context replaces the image of the same name', 'FROM alpine\n', ['alpine:3.19']],
    ['whatever tag-less spelling names it', 'FROM docker.io/library/alpine:latest\n', ['alpine:3.19']],
    ['its twin: another tag is another image', 'FROM alpine:3.20\n', ['alpine:3.20']],
    ['a service: context is that service, not a Docker Hub image', 'FROM base\nCOPY --from=assets / /srv\n', []],
    ['a path or URL context is no image', 'FROM scratch\nCOPY --from=remote / /x\nCOPY --from=assets / /y\n', []],
    ['a context named like a stage replaces the stage', 'FROM ubuntu:22.04 AS alpine\nFROM busybox\nCOPY --from=alpine / /\n', ['alpine:3.19', 'busybox']],
    ['a FROM of a stage a context replaced follows the context', 'FROM node:22 AS alpine\nFROM alpine\n', ['alpine:3.19']]
  ])('%s', (_name, text, expected) => {
    const result = extractDockerfile(text, { file: FILE, contexts })
    expect(result.findings).toEqual([])
    expect(result.references.map(reference => reference.text)).toEqual(expected)
  })

  it('records the service a service: context makes the target use', () => {
    expect(extractDockerfile('FROM base\n', { file: FILE, contexts }).serviceContexts).toEqual(['base'])
    expect(extractDockerfile('FROM alpine\n', { file: FILE, contexts }).serviceContexts).toEqual([])
  })

  it('puts origins where an inline Dockerfile is written', () => {
    const result = extractDockerfile('FROM alpine\nFROM busybox:${NOPE}\n', { file: 'compose.yml', originOf: line => ({ file: 'compose.yml', line: 10 + line }) })
    expect(result.references[0]?.origin).toEqual({ file: 'compose.yml', line: 11 })
    expect(result.findings[0]).toMatchObject({ file: 'compose.yml', line: 12, severity: 'error' })
  })

  it('rewrites the syntax frontend and leaves images that come from a named context to the build', () => {
    const text = '# syntax=docker/dockerfile:1\nFROM alpine\nFROM busybox\n'
    const result = rewriteDockerfileImages(text, reference => `mirror.local/${reference}`, { file: FILE, contexts: { alpine: 'docker-image://alpine:3.19' } })
    expect(result.text).toBe('# syntax=mirror.local/docker/dockerfile:1\nFROM alpine\nFROM mirror.local/busybox\n')
  })
})

describe("BuildKit's automatic platform args (TARGETARCH and the like) in the global scope", () => {
  const on = (platforms: string[]) => (text: string) => extractDockerfile(text, { file: FILE, platforms })
  const texts = (result: ReturnType<typeof extractDockerfile>): string[] => result.references.map(reference => reference.text)

  it('are set for the build platform without an ARG, as distroless per-architecture tags need', () => {
    const result = on(['linux/amd64'])('FROM gcr.io/distroless/static:nonroot-${TARGETARCH}\n')
    expect(texts(result)).toEqual(['gcr.io/distroless/static:nonroot-amd64'])
    expect(result.findings).toEqual([])
  })

  it('pick the stage of the target platform, so `FROM base-${TARGETARCH}` names no image and is no error', () => {
    const text = 'FROM alpine:3.20 AS base-amd64\nFROM busybox:1 AS base-arm64\nARG TARGETVARIANT\nFROM base-${TARGETARCH}${TARGETVARIANT}\n'
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const result = on([platform])(text)
      expect([platform, texts(result), result.findings]).toEqual([platform, ['alpine:3.20', 'busybox:1'], []])
    }
  })

  it('give one image per platform of a multi-platform build, and each platform its own needs', () => {
    const result = on(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])('FROM --platform=$BUILDPLATFORM golang:1.25-${BUILDOS} AS build\nFROM debian:12-${TARGETARCH}${TARGETVARIANT}\n')
    expect(texts(result)).toEqual(['golang:1.25-linux', 'debian:12-amd64', 'debian:12-arm64', 'debian:12-armv7'])
    expect(result.targetNeeds).toEqual(['golang:1.25-linux', 'debian:12-amd64', 'debian:12-arm64', 'debian:12-armv7'])
  })

  it('default to this machine when the build names no platform, and the --platform a file asks of the builder stays unset', () => {
    const expected = { x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64']
    const result = extractDockerfile('FROM --platform=$BUILDPLATFORM alpine:${TARGETARCH}\n', { file: FILE })
    expect(result.references.map(reference => [reference.text, reference.platform])).toEqual([[`alpine:${expected}`, undefined]])
  })

  it('fill a declared ARG without a default, and yield to a --build-arg', () => {
    expect(texts(on(['linux/arm64'])('ARG TARGETARCH\nFROM alpine:${TARGETARCH}\n'))).toEqual(['alpine:arm64'])
    expect(texts(extractDockerfile('FROM alpine:${TARGETARCH}\n', { file: FILE, platforms: ['linux/arm64'], buildArgs: { TARGETARCH: 'riscv64' } }))).toEqual(['alpine:riscv64'])
  })

  it('are not set by the legacy builder: an empty string, with the warning docker build would deserve', () => {
    const result = extractDockerfile('FROM alpine:3-${TARGETARCH}\n', { file: FILE, platforms: ['linux/amd64'], platformArgs: false })
    expect(texts(result)).toEqual(['alpine:3-'])
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'unresolved-variable', severity: 'warning', line: 1 })])
  })

  it('leave a platform-dependent image as written when a multi-platform build is rewritten to the mirror, with a notice', () => {
    const mirror = (reference: string): string => `registry.local/mirror/${reference}`
    const text = 'FROM golang:1.25 AS build\nFROM gcr.io/distroless/static:nonroot-${TARGETARCH}\n'
    const several = rewriteDockerfileImages(text, mirror, { file: FILE, platforms: ['linux/amd64', 'linux/arm64'] })
    expect(several.text).toBe('FROM registry.local/mirror/golang:1.25 AS build\nFROM gcr.io/distroless/static:nonroot-${TARGETARCH}\n')
    expect(several.notes).toEqual([expect.objectContaining({ kind: 'scan-note', severity: 'notice', line: 2, message: expect.stringContaining('2 platforms') })])
    const indirect = rewriteDockerfileImages('ARG ARCH=${TARGETARCH}\nFROM debian:12-${ARCH}\nFROM alpine:3\n', mirror, { file: FILE, platforms: ['linux/amd64', 'linux/arm64'] })
    expect([indirect.text, indirect.notes.map(note => note.line)]).toEqual(['ARG ARCH=${TARGETARCH}\nFROM debian:12-${ARCH}\nFROM registry.local/mirror/alpine:3\n', [2]])
    const one = rewriteDockerfileImages(text, mirror, { file: FILE, platforms: ['linux/arm64'] })
    expect([one.text, one.notes]).toEqual(['FROM registry.local/mirror/golang:1.25 AS build\nFROM registry.local/mirror/gcr.io/distroless/static:nonroot-arm64\n', []])
  })
})
