/**
 * The action's inputs and outputs, described once. action.yml must agree with
 * this list (a test compares them), and the CLI builds its flags and --help
 * from it, so the two front ends cannot drift apart.
 */

export interface InputSpec {
  name: string
  description: string
  /** The default as action.yml states it; undefined when there is none. */
  default?: string
  /** CLI: a flag that needs no value (`--dry-run` means `--dry-run true`). */
  flag?: boolean
  secret?: boolean
}

export const INPUTS: readonly InputSpec[] = [
  { name: 'mode', description: 'What to do: plan (inventory only), check (mapping and policy, for pull requests), mirror, build, verify, or all (mirror, build and push, verify).', default: 'all' },
  { name: 'registry', description: 'Target registry host with optional namespace, e.g. harbor.example.com/aihpc. Required for every mode but plan.' },
  { name: 'tag', description: "Tag of the repository's own service images, e.g. v0.3.5. Without it, service images keep the tag their compose file gives them." },
  { name: 'path', description: 'Directory to scan, relative to the workspace.', default: '.' },
  { name: 'layout', description: 'How third-party images are named under the registry: preserve (quay.io/minio/minio -> <registry>/minio/minio), library (as preserve, Docker Hub official images under library/), or flat (last path component only). Default: the layout of the mapping file, else preserve.' },
  { name: 'flat-separator', description: "With layout flat, join all path components with this separator instead of keeping only the last ('-' gives minio-minio)." },
  { name: 'config', description: 'Mapping file (rules, exclusions, tag policy), relative to path. Used by default when .github/image-mirror.yml exists.' },
  { name: 'strict', description: 'Every image needs an explicit rule in the mapping file; the layout only proposes names. Overrides the mapping file.' },
  { name: 'compose-files', description: "Glob patterns of compose files (newline or comma separated). Replaces the defaults; the entry 'defaults' keeps them." },
  { name: 'dockerfiles', description: "Glob patterns of Dockerfiles (newline or comma separated). Replaces the defaults; the entry 'defaults' keeps them." },
  { name: 'exclude', description: 'Glob patterns of paths not to scan.' },
  { name: 'env-file', description: 'Extra .env files for compose interpolation, relative to path, read after the .env beside each compose file.' },
  { name: 'fail-on', description: 'Finding kinds that fail the run: none, all, or a list of invalid-file, unresolved-variable, invalid-reference, invalid-config, unmapped, excluded, collision, tag-policy, version-drift, missing, failed. Default: every kind but version-drift and excluded.' },
  { name: 'compose-output', description: 'Write each scanned compose file, rewritten so every image points at the registry, to this path (a directory when there are several).' },
  { name: 'report-path', description: 'Where to write the JSON report. Default: image-mirror-report.json in RUNNER_TEMP (the system temp directory outside Actions).' },
  { name: 'engine', description: 'How images are copied: docker (pull, tag, push through the docker CLI) or registry (registry to registry over the OCI distribution API, all platforms).', default: 'docker' },
  { name: 'pull', description: 'Docker engine: missing (use local images when present), always, or never (retag local images only, no network).', default: 'missing' },
  { name: 'push', description: 'Push built service images and mirrored base images. false: build and retag in the local daemon only, no network (the offline retag).', default: 'true', flag: true },
  { name: 'use-mirrored-bases', description: 'Build service images against the mirrored base images in the target registry instead of their public sources.', default: 'true', flag: true },
  { name: 'verify-from', description: 'Where verify looks: registry (manifest lookup, no pull) or local (docker image inspect, no network).', default: 'registry' },
  { name: 'dry-run', description: 'Print every command that would run, run none.', default: 'false', flag: true },
  { name: 'username', description: 'Username for the target registry. Without it, existing docker credentials are used.' },
  { name: 'password', description: 'Password or token for the target registry.', secret: true },
  { name: 'source-username', description: "Username for Docker Hub (or the registry-mirror), to avoid the anonymous rate limit." },
  { name: 'source-password', description: 'Password or token for source-username.', secret: true },
  { name: 'concurrency', description: 'Pulls, pushes and copies in parallel.', default: '4' },
  { name: 'build-concurrency', description: 'Service image builds in parallel.', default: '1' },
  { name: 'retries', description: 'Retries of a transient failure (network, 429, 5xx), with exponential backoff.', default: '3' },
  { name: 'registry-mirror', description: 'URL that serves Docker Hub images (a pull-through cache), used by the registry engine for Docker Hub reads.' },
  { name: 'insecure-registries', description: 'Registries reached over plain HTTP or with an unverified certificate (loopback registries always are).' },
  { name: 'ca-file', description: 'PEM file of a private certificate authority for the registries.' },
  { name: 'platforms', description: 'Registry engine: copy only these platforms of multi-platform images (changes their digest). Default: all.' },
  { name: 'copy-referrers', description: 'Registry engine: also copy OCI referrers (signatures, SBOMs) of each image.', default: 'false', flag: true },
  { name: 'shards', description: 'mode plan: split the images into this many groups in the matrix output.', default: '1' },
  { name: 'shard', description: 'Handle only part i of n of the images, e.g. 2/4 (from the matrix output of mode plan).' }
]

export interface OutputSpec {
  name: string
  description: string
}

export const OUTPUTS: readonly OutputSpec[] = [
  { name: 'verdict', description: 'One line: what the run found, e.g. "20/20 images verified".' },
  { name: 'images', description: 'JSON array of every image: kind, source, target, status, origins.' },
  { name: 'image-count', description: 'Number of images found.' },
  { name: 'base-count', description: 'Number of third-party base images.' },
  { name: 'service-count', description: "Number of the repository's own service images." },
  { name: 'findings', description: 'JSON array of findings: kind, severity, message, file, line, suggestion.' },
  { name: 'error-count', description: 'Number of findings that fail the run under fail-on.' },
  { name: 'unmapped', description: 'JSON array of source images with no target.' },
  { name: 'mirrored', description: 'JSON array of target images mirrored (or already present).' },
  { name: 'built', description: 'JSON array of service images built.' },
  { name: 'verified', description: 'JSON array of target images verified present.' },
  { name: 'missing', description: 'JSON array of target images not present.' },
  { name: 'failed', description: 'JSON array of images that failed, target (or source when unmapped).' },
  { name: 'report', description: 'Path of the JSON report.' },
  { name: 'compose-file', description: 'Path of the generated deployment compose file, when compose-output is set.' },
  { name: 'matrix', description: 'mode plan: JSON for strategy.matrix, {"shard": ["1/n", …]} balanced by image count.' }
]
