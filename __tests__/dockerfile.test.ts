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
    ['the syntax directive is not a base image', '# syntax=docker/dockerfile:1\nFROM alpine\n', ['alpine@2:from']]
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

  it('scans only the target stage and the stages it needs', () => {
    const text = ['FROM golang:1.25 AS build', 'FROM node:22 AS docs', 'FROM alpine AS runtime', 'COPY --from=build /a /a', 'FROM busybox AS debug'].join('\n')
    expect(images(text, { target: 'runtime' })).toEqual(['golang:1.25@1:from', 'alpine@3:from'])
    expect(images(text)).toHaveLength(4)
  })
})

describe('extractDockerfile reports bad input with file and line', () => {
  it.each<[string, string, string, number, RegExp]>([
    ['a FROM without an image', 'FROM\n', 'invalid-reference', 1, /FROM without an image in svc\/Dockerfile:1/],
    ['an undeclared variable', 'FROM node:${NODE_VERSION}\n', 'unresolved-variable', 1, /\$\{NODE_VERSION\} with no value/],
    ['an ARG with no default', 'ARG TAG\nFROM node:$TAG\n', 'unresolved-variable', 2, /\$\{TAG\}/],
    ['an unterminated ${', 'ARG A=1\nFROM node:${A\n', 'unresolved-variable', 2, /unterminated/],
    ['a required variable', 'FROM node:${V:?set-V-to-the-node-version}\n', 'unresolved-variable', 1, /V: set-V-to-the-node-version/],
    ['an unknown stage index', 'FROM alpine\nCOPY --from=3 /a /a\n', 'invalid-reference', 2, /stage 3, but only stages 0 to -1/],
    ['a stage index that is not earlier', 'FROM alpine\nFROM busybox\nCOPY --from=1 /a /a\n', 'invalid-reference', 3, /stage 1/]
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
