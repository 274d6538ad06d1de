import { useState, type ReactNode } from "react";
import { Dropdown, DropdownList, MenuToggle } from "@patternfly/react-core";
import { EllipsisVIcon } from "@patternfly/react-icons";

/** A row's kebab: a plain ⋮ toggle named `label` ("Actions for NAME") and its menu items, closed on a choice. */
export function Kebab({ label, children }: { label: string; children: ReactNode }) {
    const [open, setOpen] = useState(false);
    return (
        <Dropdown
            isOpen={open}
            onOpenChange={setOpen}
            onSelect={() => setOpen(false)}
            popperProps={{ position: "right", appendTo: "inline" }}
            toggle={(ref) => (
                <MenuToggle
                    ref={ref}
                    variant="plain"
                    isExpanded={open}
                    onClick={() => setOpen((o) => !o)}
                    aria-label={label}
                    icon={<EllipsisVIcon />}
                />
            )}
        >
            <DropdownList>{children}</DropdownList>
        </Dropdown>
    );
}
