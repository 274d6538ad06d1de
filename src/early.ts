/**
 * The first VM rows before the page: when this host's VM list answer (started by boot.ts) arrives before the React
 * page has shown its table, the names and states are shown at once as a plain table, and the page is revealed in
 * its place as soon as it shows its own list (or says why it cannot). Without this, the first row waits for the
 * main bundle to be fetched and compiled (bench/floor.mjs measures the difference against a bare cockpit.js page).
 * No buttons: nothing here can be acted on; the rows are what libvirt answered, in the page's order (by name).
 */
import { parseDomstats, stateFromNumber } from "./domains/domstats";
import { stateLabel } from "./domains/state-label";
import { _ } from "../pkg/lib/gettext";
import "./early.css";

/** As many rows as the page's table shows before "Show more". */
const FIRST_ROWS = 200;
/** The page reveals itself by then at the latest, whatever it shows. */
const REVEAL_AFTER_MS = 20_000;

/** Has the page shown its list, an empty list, or an error (not only a spinner)? */
function pageShowsList(app: HTMLElement): boolean {
    if (app.querySelector("tr[data-domain]")) return true;
    const states = [...app.querySelectorAll(".pf-v6-c-empty-state, .pf-v6-c-alert")];
    return states.some((s) => !s.querySelector(".pf-v6-c-spinner"));
}

export function showEarlyRows(answer: Promise<string>, app: HTMLElement): void {
    answer.then(
        (out) => {
            if (pageShowsList(app)) return;
            const rows = parseDomstats(out)
                .map((s) => {
                    const n = s.fields.get("state.state");
                    // a state libvirt did not give stays empty (not "No state")
                    return { name: s.name, state: n === undefined ? null : stateFromNumber(Number(n)) };
                })
                .sort((x, y) => x.name.localeCompare(y.name))
                .slice(0, FIRST_ROWS);
            if (rows.length === 0) return;
            const early = render(rows);
            // over the page, not instead of it: the page lays itself out underneath (a deep link scrolls its row into
            // view there), inert and hidden from screen readers until it shows its list
            app.before(early);
            app.inert = true;
            app.setAttribute("aria-hidden", "true");
            let timer: ReturnType<typeof setTimeout> | undefined = undefined;
            const reveal = () => {
                observer.disconnect();
                clearTimeout(timer);
                early.remove();
                app.inert = false;
                app.removeAttribute("aria-hidden");
            };
            const observer = new MutationObserver(() => {
                if (pageShowsList(app)) reveal();
            });
            observer.observe(app, { subtree: true, childList: true });
            timer = setTimeout(reveal, REVEAL_AFTER_MS);
        },
        () => undefined, // the page runs the command again and shows the error
    );
}

function render(rows: { name: string; state: Parameters<typeof stateLabel>[0] | null }[]): HTMLElement {
    const section = document.createElement("section");
    section.className = "cm-early";
    section.setAttribute("aria-busy", "true");
    const table = document.createElement("table");
    table.setAttribute("aria-label", _("Virtual machines on this host"));
    const head = table.createTHead().insertRow();
    for (const title of [_("Name"), _("State")]) {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = title;
        head.append(th);
    }
    const body = table.createTBody();
    for (const r of rows) {
        const tr = body.insertRow();
        // not data-domain: the page's own rows keep that name, and both exist for a moment
        tr.dataset.earlyDomain = r.name;
        tr.insertCell().textContent = r.name;
        tr.insertCell().textContent = r.state === null ? "" : stateLabel(r.state);
    }
    section.append(table);
    return section;
}
