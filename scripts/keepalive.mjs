// cockpit-ws in --local-session mode ends its bridge ~15 s after the last WebSocket closes, and
// every later page load shows a login form. For `npm start` (a human reloading pages) we hold one
// idle Cockpit WebSocket open for as long as cockpit-ws runs.
import { log } from "./setup.mjs";

export function keepSessionAlive(port) {
    if (typeof WebSocket === "undefined") {
        log("Note: this Node.js has no WebSocket; reloading the page after 15 s idle may show a login form.");
        return;
    }
    const connect = () => {
        // cockpit-ws refuses a WebSocket without an Origin of its own (undici takes headers as an extension)
        const ws = new WebSocket(`ws://127.0.0.1:${port}/cockpit/socket`, {
            protocols: ["cockpit1"],
            headers: { Origin: `http://127.0.0.1:${port}` },
        });
        ws.onopen = () => ws.send('\n{ "command": "init", "version": 1 }');
        ws.onmessage = (e) => {
            const text = String(e.data);
            if (text.includes('"ping"')) ws.send('\n{ "command": "pong" }');
        };
        ws.onclose = () => setTimeout(connect, 1000);
        ws.onerror = () => {};
    };
    connect();
}
