import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interfacesOverlapping } from './host-network.js';

const IP_ADDR_SHOW = [
  '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
  '2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever',
  '4: cni-podman0    inet 10.88.0.1/16 brd 10.88.255.255 scope global cni-podman0\\       valid_lft forever',
  '5: gitseal0    inet 10.88.0.1/16 scope global gitseal0\\       valid_lft forever preferred_lft forever',
  '6: docker0    inet 10.89.0.1/24 scope global docker0',
  '7: wide    inet 10.0.0.1/8 scope global wide',
].join('\n');

test('interfacesOverlapping names other interfaces in the pod network, not the bridge itself', () => {
  assert.deepEqual(interfacesOverlapping(IP_ADDR_SHOW, '10.88.0.0/16', 'gitseal0'), [
    'cni-podman0 (10.88.0.1/16)',
    'wide (10.0.0.1/8)',
  ]);
  assert.deepEqual(interfacesOverlapping(IP_ADDR_SHOW, '10.90.0.0/16', 'gitseal0'), ['wide (10.0.0.1/8)']);
  assert.deepEqual(interfacesOverlapping(IP_ADDR_SHOW, '172.16.0.0/16', 'gitseal0'), []);
  assert.deepEqual(interfacesOverlapping('', '10.88.0.0/16', 'gitseal0'), []);
  assert.deepEqual(interfacesOverlapping(IP_ADDR_SHOW, 'not a cidr', 'gitseal0'), []);
});
