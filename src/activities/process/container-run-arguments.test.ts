import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProblemError, problemTypes } from '../../model/problems.js';
import type { ContainerRequest } from '../effects.js';
import { containerRunArguments, type ContainerRuntime } from './container-run-arguments.js';

const docker: ContainerRuntime = { kind: 'docker', path: '/usr/bin/docker' };
const podman: ContainerRuntime = { kind: 'podman', path: '/usr/bin/podman' };
const request = (fields: Partial<ContainerRequest> = {}): ContainerRequest => ({
  signal: new AbortController().signal,
  idempotencyKey: 'k',
  arguments: [],
  environment: {},
  image: 'hello-world',
  ...fields,
});

const cases: readonly { name: string; request: ContainerRequest; expected: readonly string[] }[] = [
  {
    name: 'the defaults: keep the container, pull if missing, the image CMD',
    request: request(),
    expected: ['run', '--pull=missing', 'hello-world'],
  },
  {
    name: 'cleanup always removes the container',
    request: request({ cleanup: 'always' }),
    expected: ['run', '--rm', '--pull=missing', 'hello-world'],
  },
  {
    name: 'cleanup eventually keeps it (the runtime removes it later)',
    request: request({ cleanup: 'eventually' }),
    expected: ['run', '--pull=missing', 'hello-world'],
  },
  {
    name: 'cleanup never keeps it',
    request: request({ cleanup: 'never' }),
    expected: ['run', '--pull=missing', 'hello-world'],
  },
  {
    name: 'pullPolicy always',
    request: request({ pullPolicy: 'always' }),
    expected: ['run', '--pull=always', 'hello-world'],
  },
  {
    name: 'pullPolicy never',
    request: request({ pullPolicy: 'never' }),
    expected: ['run', '--pull=never', 'hello-world'],
  },
  {
    name: 'a name',
    request: request({ name: 'hello-run-container-runContainer-1' }),
    expected: ['run', '--name', 'hello-run-container-runContainer-1', '--pull=missing', 'hello-world'],
  },
  {
    name: 'arguments without a command replace the image CMD',
    request: request({ arguments: ['--flag', 'two words'] }),
    expected: ['run', '--pull=missing', 'hello-world', '--flag', 'two words'],
  },
  {
    name: 'the spec example run-container-stdin-and-arguments: a shell command with stdin and $1 $2',
    request: request({
      image: 'alpine',
      command: 'input=$(cat)\necho "STDIN was: $input"\necho "ARGS are $1 $2"',
      stdin: 'Hello World',
      arguments: ['Foo', 'Bar'],
    }),
    expected: [
      'run',
      '-i',
      '--pull=missing',
      '--entrypoint',
      '/bin/sh',
      'alpine',
      '-c',
      'input=$(cat)\necho "STDIN was: $input"\necho "ARGS are $1 $2"',
      'sh',
      'Foo',
      'Bar',
    ],
  },
  {
    name: 'environment names only (values travel in the CLI environment), ports and volumes host:container',
    request: request({
      environment: { A: '1', SECRET: 's3cr3t' },
      ports: { '8080': 80, '127.0.0.1:9090': '90/udp' },
      volumes: { '/srv/data': '/data', cache: '/cache:ro' },
    }),
    expected: [
      'run',
      '-e',
      'A',
      '-e',
      'SECRET',
      '-p',
      '8080:80',
      '-p',
      '127.0.0.1:9090:90/udp',
      '-v',
      '/srv/data:/data',
      '-v',
      'cache:/cache:ro',
      '--pull=missing',
      'hello-world',
    ],
  },
];

for (const c of cases) {
  test(`container argv: ${c.name}`, () => {
    assert.deepEqual(containerRunArguments(c.request, docker), c.expected);
    assert.deepEqual(containerRunArguments(c.request, podman), c.expected);
  });
}

test('environment values never appear in the argv', () => {
  const args = containerRunArguments(request({ environment: { TOKEN: 'hunter2' } }), docker);
  assert.ok(!args.some((arg) => arg.includes('hunter2')));
});

const badCases: readonly { name: string; request: ContainerRequest; detail: RegExp }[] = [
  { name: 'an empty image', request: request({ image: ' ' }), detail: /the container image is empty/ },
  {
    name: 'an environment name with =',
    request: request({ environment: { 'A=B': 'x' } }),
    detail: /environment variable name 'A=B' is invalid/,
  },
  {
    name: 'a port mapped to an object',
    request: request({ ports: { '8080': { port: 80 } } }),
    detail: /ports\['8080'\] must be a string or a number .*; found \{"port":80\}/,
  },
  {
    name: 'a volume mapped to null',
    request: request({ volumes: { '/x': null } }),
    detail: /volumes\['\/x'\] .* found null/,
  },
];

for (const c of badCases) {
  test(`container argv rejects ${c.name} as a configuration problem`, () => {
    assert.throws(
      () => containerRunArguments(c.request, docker),
      (error) => {
        assert.ok(error instanceof ProblemError);
        assert.equal(error.problem.type, problemTypes.configuration.type);
        assert.match(error.problem.detail ?? '', c.detail);
        return true;
      },
    );
  });
}
