/** Whether this Cockpit session has administrative access (cockpit.permission({admin: true})). */
import type { Cockpit } from "./cockpit";

export function watchAdmin(cockpit: Cockpit, onChange: (allowed: boolean | null) => void): () => void {
    const permission = cockpit.permission({ admin: true });
    const update = () => onChange(permission.allowed);
    permission.addEventListener("changed", update);
    update();
    return () => {
        permission.removeEventListener("changed", update);
        permission.close();
    };
}
