// The floor of bench/floor.mjs: what the stack allows for a first VM list. cockpit.js, one
// cockpit.spawn of our page's first list command (src/virsh/argv.ts domstatsAll, with the same
// superuser "require" that src/boot.ts uses), one <tr> per VM. No framework, no styles, no
// parsing beyond the domain names.
/* global cockpit, document */
"use strict";
const argv = ["virsh", "-c", "qemu:///system", "domstats", "--raw", "--state", "--balloon", "--vcpu", "--nowait"];
cockpit.spawn(argv, { superuser: "require", err: "message" }).then((out) => {
    const body = document.getElementById("rows");
    for (const m of out.matchAll(/^Domain: '(.*)'$/gm)) {
        const tr = document.createElement("tr");
        tr.dataset.domain = m[1];
        const td = document.createElement("td");
        td.textContent = m[1];
        tr.append(td);
        body.append(tr);
    }
});
