/**
 * This host's user session (`qemu:///session`) is a libvirt connection of its own only for a user
 * other than root. libvirt opens it as whoever runs the command: for root (a root login, or
 * administrative access, which runs every command as root) its remote driver connects to the
 * system daemon's socket, and the QEMU driver of the system daemon accepts `/session` as `/system`:
 * the same VMs as This host (seen on the lab: `virsh -c qemu:///session list --all` as root lists
 * the system's VMs). Listed next to This host, it would be this machine twice.
 */
import { LOCAL, type Runner } from "../../pkg/lib/runner";

/**
 * Whether the user session is a connection of its own: the commands run as a user other than root
 * (`id -u`, run as the page runs virsh). When that cannot be read, it is listed (as before).
 */
export async function sessionIsOwn(runner: Runner): Promise<boolean> {
    try {
        return (await runner.run(LOCAL, ["id", "-u"], { timeoutMs: 10_000 })).trim() !== "0";
    } catch {
        return true;
    }
}
