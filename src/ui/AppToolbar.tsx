/**
 * The page's toolbar: the title, the host selector, and the page's tools in two menus ("Fleet tools" and
 * "Hosts & settings"). Six buttons in a row did not fit: at 1400 px the last one was clipped and at 800 px
 * four were off-screen, and focusing one scrolled the page sideways. The toolbar wraps; nothing in it is
 * wider than the narrowest page (560 px of content).
 */
import { useState } from "react";
import {
    Dropdown,
    DropdownItem,
    DropdownList,
    FormSelect,
    FormSelectOption,
    MenuToggle,
    Title,
    Toolbar,
    ToolbarContent,
    ToolbarGroup,
    ToolbarItem,
} from "@patternfly/react-core";
import type { ListedHost } from "../hosts/list";
import { _ } from "../../pkg/lib/gettext";

/** A tool the toolbar opens (the dialog for it is chosen in AppDialogs). */
export type ToolName = "hosts" | "policy" | "nfs" | "cpu" | "evacuate" | "rebalance";

interface MenuEntry {
    tool: ToolName;
    label: string;
    disabled: boolean;
}

interface Props {
    choices: ListedHost[];
    hostId: string;
    /** The selected host, when it is in the list. */
    host: ListedHost | undefined;
    /** false: without administrative access every tool is offered but disabled. */
    admin: boolean | null;
    onHost(id: string): void;
    onTool(tool: ToolName): void;
}

export function AppToolbar({ choices, hostId, host, admin, onHost, onTool }: Props) {
    const locked = admin === false;
    const fleet: MenuEntry[] = [
        { tool: "evacuate", label: _("Evacuate host"), disabled: locked || !host || host.driver === "session" },
        { tool: "rebalance", label: _("Rebalance"), disabled: locked },
        { tool: "cpu", label: _("CPU baseline"), disabled: locked },
        { tool: "nfs", label: _("Shared storage (NFS)"), disabled: locked },
    ];
    const settings: MenuEntry[] = [
        { tool: "hosts", label: _("Known hosts"), disabled: locked },
        { tool: "policy", label: _("Overcommit policy"), disabled: locked },
    ];
    return (
        <Toolbar className="cm-toolbar">
            <ToolbarContent>
                <ToolbarItem>
                    <Title headingLevel="h1">{_("Virtual machine migration")}</Title>
                </ToolbarItem>
                <ToolbarGroup align={{ default: "alignEnd" }} rowWrap={{ default: "wrap" }}>
                    <ToolbarItem>
                        <FormSelect
                            aria-label={_("Host")}
                            value={hostId}
                            onChange={(_e, v) => onHost(v)}
                            className="cm-host-select"
                        >
                            {choices.map((c) => (
                                <FormSelectOption key={c.id} value={c.id} label={c.label} />
                            ))}
                            {!host && <FormSelectOption value={hostId} label={hostId} isDisabled />}
                        </FormSelect>
                    </ToolbarItem>
                    <ToolbarItem>
                        <ToolMenu label={_("Fleet tools")} entries={fleet} onTool={onTool} />
                    </ToolbarItem>
                    <ToolbarItem>
                        <ToolMenu label={_("Hosts & settings")} entries={settings} onTool={onTool} />
                    </ToolbarItem>
                </ToolbarGroup>
            </ToolbarContent>
        </Toolbar>
    );
}

function ToolMenu({ label, entries, onTool }: { label: string; entries: MenuEntry[]; onTool(tool: ToolName): void }) {
    const [open, setOpen] = useState(false);
    return (
        <Dropdown
            isOpen={open}
            onOpenChange={setOpen}
            onSelect={(_e, value) => {
                setOpen(false);
                const chosen = entries.find((e) => e.tool === value);
                if (chosen) onTool(chosen.tool);
            }}
            popperProps={{ position: "end" }}
            toggle={(ref) => (
                <MenuToggle ref={ref} isExpanded={open} onClick={() => setOpen((o) => !o)}>
                    {label}
                </MenuToggle>
            )}
        >
            <DropdownList>
                {entries.map((e) => (
                    <DropdownItem key={e.tool} value={e.tool} isDisabled={e.disabled}>
                        {e.label}
                    </DropdownItem>
                ))}
            </DropdownList>
        </Dropdown>
    );
}
