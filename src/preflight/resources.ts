/** Devices and networks: what the VM is attached to must exist on the destination (storage: ./storage.ts). */
import type { DomainDefinition } from "../domains/definition";
import * as v from "../virsh/argv";
import type { CheckResult } from "./types";
import type { PreflightInput } from "./checks";
import { cannot, message } from "./util";
import { _, format } from "../../pkg/lib/gettext";

type Run = (a: string[]) => Promise<string>;

export function devices(d: DomainDefinition): CheckResult {
    if (d.hostdevs.length === 0)
        return {
            id: "devices",
            severity: "pass",
            title: _("No passthrough, SR-IOV or mediated devices"),
            commands: [],
        };
    return {
        id: "devices",
        severity: "error",
        title: format(_("Devices that cannot migrate: $0"), d.hostdevs.join(", ")),
        commands: [],
        detail: _(
            "PCI passthrough, SR-IOV virtual functions and mediated devices (vGPU) are bound to this host's hardware.",
        ),
        fix: _("Detach them before migrating (virsh detach-device), and attach the destination's own afterwards."),
    };
}

/** Every libvirt network the VM's interfaces use must exist and be active on the destination. */
export async function networks(run: Run, input: PreflightInput, d: DomainDefinition): Promise<CheckResult[]> {
    const nets = [...new Set(d.interfaces.filter((i) => i.type === "network" && i.source).map((i) => i.source!))];
    const bridges = [...new Set(d.interfaces.filter((i) => i.type === "bridge" && i.source).map((i) => i.source!))];
    const results: CheckResult[] = await Promise.all(
        nets.map(async (net): Promise<CheckResult> => {
            const argv = v.netInfo(input.destinationUri, net);
            try {
                const active = /^Active:\s+yes/m.test(await run(argv));
                return active
                    ? {
                          id: `network:${net}`,
                          severity: "pass",
                          title: format(_("Network $0 is active on $1"), net, input.destinationLabel),
                          commands: [argv],
                      }
                    : {
                          id: `network:${net}`,
                          severity: "error",
                          title: format(_("Network $0 is not active on $1"), net, input.destinationLabel),
                          commands: [argv],
                          fix: format(_("Start it there: virsh net-start $0"), net),
                      };
            } catch (e) {
                // only libvirt's own answer means "no such network"; a timeout or a lost connection is no verdict
                if (!/network not found|no network with matching/i.test(message(e)))
                    return cannot(`network:${net}`, format(_("Network $0"), net), e, [argv]);
                return {
                    id: `network:${net}`,
                    severity: "error",
                    title: format(_("Network $0 does not exist on $1"), net, input.destinationLabel),
                    detail: message(e),
                    commands: [argv],
                    fix: _("Define the same network on the destination, or change the VM's interface."),
                };
            }
        }),
    );
    for (const br of bridges)
        results.push({
            id: `bridge:${br}`,
            severity: "info",
            title: format(_("Bridge $0 must exist on $1"), br, input.destinationLabel),
            commands: [],
            fix: _(
                "The VM's interface attaches to a host bridge of that name; create it there with the same network behind it.",
            ),
        });
    if (results.length === 0)
        results.push({ id: "networks", severity: "pass", title: _("No network interfaces to match"), commands: [] });
    return results;
}
