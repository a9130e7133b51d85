import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeKustomizeError } from './kustomize-error.js';

// Stderr as `kubectl kustomize` (kustomize v5.5) prints it, for a checkout at /co building /co/apps.
const context = { root: '/co', dir: '/co/apps' };
const klog = (err: string) => `E1123 11:55:22.506088   28407 run.go:72] "command failed" err="${err}"\n`;
const MARKER = 'PLAINTEXT-MARKER-b41d';

const cases: [string, string, string | undefined][] = [
  [
    'missing resource',
    klog(
      "accumulating resources: accumulation err='accumulating resources from 'nowhere.yaml': evalsymlink failure on '/co/apps/nowhere.yaml' : lstat /co/apps/nowhere.yaml: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '/co/apps/nowhere.yaml' : lstat /co/apps/nowhere.yaml: no such file or directory",
    ),
    'missing resource apps/nowhere.yaml',
  ],
  [
    'missing path outside the checkout',
    klog(
      "accumulating resources: accumulation err='accumulating resources from '../../etc': evalsymlink failure on '/etc/x' : lstat /etc/x: no such file or directory'",
    ),
    'missing resource outside the repository',
  ],
  [
    'invalid YAML in a base file',
    klog(
      "accumulating resources: accumulation err='accumulating resources from '../base': '/co/base' must resolve to a file': recursed accumulation of path '/co/base': accumulating resources: accumulating resources from 'deep/cm.yaml': MalformedYAMLError: yaml: line 5: did not find expected ',' or ']' in File: deep/cm.yaml",
    ),
    'invalid YAML in base/deep/cm.yaml (line 5)',
  ],
  [
    'invalid YAML with a value quoted in the reason',
    klog(
      `accumulating resources: accumulating resources from 'cm.yaml': MalformedYAMLError: yaml: line 3: cannot unmarshal !!str \`${MARKER}\` in File: cm.yaml`,
    ),
    'invalid YAML in apps/cm.yaml (line 3)',
  ],
  [
    'invalid YAML whose reason imitates the file name',
    klog(
      `accumulating resources: accumulating resources from 'cm.yaml': MalformedYAMLError: yaml: line 3: could not find \`x in File: ${MARKER}\` in File: cm.yaml`,
    ),
    'invalid YAML in apps/cm.yaml (line 3)',
  ],
  [
    'unknown field',
    klog(`invalid Kustomization: json: unknown field \\"${MARKER}\\"`),
    'unknown field in the kustomization of apps',
  ],
  [
    'wrong type in the kustomization',
    klog(
      'invalid Kustomization: json: cannot unmarshal string into Go struct field Kustomization.resources of type []string',
    ),
    'invalid kustomization in apps',
  ],
  [
    'invalid YAML in a base kustomization',
    klog(
      "accumulating resources: accumulation err='accumulating resources from '../base': '/co/base' must resolve to a file': couldn't make target for path '/co/base': invalid Kustomization: yaml: line 1: did not find expected ',' or ']'",
    ),
    'invalid YAML in the kustomization of base (line 1)',
  ],
  [
    'no kustomization in a resource directory',
    klog(
      "accumulating resources: accumulation err='accumulating resources from 'sub': '/co/apps/sub' must resolve to a file': couldn't make target for path '/co/apps/sub': unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '/co/apps/sub'",
    ),
    'no kustomization in apps/sub',
  ],
  [
    'object without a name (kustomize prints its labels)',
    klog(
      `accumulating resources: accumulation err='accumulating resources from 's.yaml': missing metadata.name in object {{v1 Secret} {{ } map[a:${MARKER}] map[]}}': must build at directory: '/co/apps/s.yaml': file is not directory`,
    ),
    'object without apiVersion, kind or metadata.name in apps/s.yaml',
  ],
  [
    'duplicate object',
    klog(
      "accumulating resources: accumulation err='merging resources from 'cm2.yaml': may not add resource with an already registered id: ConfigMap.v1.[noGrp]/x.[noNs]': must build at directory: '/co/apps/cm2.yaml': file is not directory",
    ),
    'duplicate object ConfigMap/x in apps/cm2.yaml',
  ],
  [
    'patch without a target',
    klog(
      'no resource matches strategic merge patch \\"ConfigMap.v1.[noGrp]/y.[noNs]\\": no matches for Id ConfigMap.v1.[noGrp]/y.[noNs]; failed to find unique target for patch ConfigMap.v1.[noGrp]/y.[noNs]',
    ),
    'patch target not found',
  ],
  [
    'generator literal',
    klog(`loading KV pairs: literal sources [${MARKER}]: invalid literal source ${MARKER}, expected key=value`),
    'invalid generator input (expected key=value)',
  ],
  [
    'env file with bad bytes',
    klog(`loading KV pairs: env source files: [e.env]: line [255 254] has invalid utf8 bytes : ${MARKER}`),
    'invalid generator input',
  ],
  ['repeated key', klog(`configmap s illegally repeats the key \`${MARKER}\``), 'a generator repeats a key'],
  [
    'remote resource, multi-line klog form',
    `E1123 11:55:23.149516   28490 run.go:72] "command failed" err=<\n\taccumulating resources: accumulation err='accumulating resources from 'https://u:${MARKER}@github.com/x/y//z': Get "https://u:${MARKER}@github.com/x/y//z": proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused'\n >\n`,
    'remote resource could not be loaded (remote resources are not allowed)',
  ],
  [
    'other accumulation errors',
    klog(`accumulating resources: something new ${MARKER}`),
    'accumulating resources from apps',
  ],
  ['anything else', `Error: ${MARKER}\n`, undefined],
];

describe('describeKustomizeError', () => {
  for (const [name, stderr, expected] of cases) {
    it(name, () => {
      const described = describeKustomizeError(stderr, context);
      assert.equal(described, expected);
      assert.ok(!described?.includes(MARKER));
    });
  }
});
