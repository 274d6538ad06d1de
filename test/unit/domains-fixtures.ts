/** `virsh domstats --raw` as virsh 9.0 printed it on the lab, with a name full of quotes. */
export const DOMSTATS = `Domain: 'lab-tiny'
  state.state=1
  state.reason=1
  balloon.current=65536
  balloon.maximum=65536
  vcpu.current=1
  vcpu.maximum=1

Domain: 'it's "odd"'
  state.state=5
  state.reason=0
  balloon.current=131072
  balloon.maximum=262144
  vcpu.current=2
  vcpu.maximum=4

`;
