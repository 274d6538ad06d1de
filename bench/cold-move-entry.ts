// What bench/cold-move.mjs takes from the plugin's sources (built with rolldown by the bench).
export { copyArgv } from "../src/coldmove/copy";
export { coldMoveArgv, parseColdProgress } from "../src/coldmove/job";
export { sshArgv } from "../pkg/lib/ssh";
