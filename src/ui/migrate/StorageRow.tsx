import { Checkbox, FormGroup, Radio } from "@patternfly/react-core";
import type { Disk } from "../../domains/disks";
import { isColdMove } from "../../migration/options";
import type { Loaded } from "../hooks";
import { formatBytes } from "../format";
import { Help } from "./Help";
import type { OptionsProps } from "./props";
import { _, format } from "../../../pkg/lib/gettext";

interface Props extends OptionsProps {
    live: boolean;
    /** The disks the pre-flight found the destination can see, and those it cannot. */
    copyOnly: { unseen: string[]; seen: string[] };
    destLabel: string | undefined;
    error: string | undefined;
    disks: Loaded<Disk[]>;
}

export function StorageRow({ options, set, live, copyOnly, destLabel, error, disks }: Props) {
    // nothing to share or copy: no choice to offer (the options keep "shared", which adds no flag)
    if (disks.data?.length === 0)
        return (
            <FormGroup role="group" label={_("Storage")} fieldId="migrate-storage">
                <span data-storage="none">{_("This VM has no disks.")}</span>
            </FormGroup>
        );
    return (
        <FormGroup role="radiogroup" label={_("Storage")} fieldId="migrate-storage">
            <Radio
                id="storage-shared"
                name="storage"
                label={_("Shared")}
                isChecked={options.storage === "shared"}
                onChange={() =>
                    set({
                        storage: "shared",
                        migrateDisks: undefined,
                        replaceExisting: undefined,
                        removeSourceFiles: undefined,
                    })
                }
                description={_("Both hosts see the disk images at the same path (NFS, iSCSI, …).")}
            />
            <Radio
                id="storage-copy-all"
                name="storage"
                label={_("Copy all disks")}
                isChecked={options.storage === "copy-all"}
                onChange={() => set({ storage: "copy-all" })}
                description={
                    live
                        ? _(
                              "Copies every disk to the destination (--copy-storage-all); the images must exist there with the same size.",
                          )
                        : _(
                              "Carries each file-backed disk (and the UEFI and TPM state) straight to the destination, sparse and verified, then moves the definition.",
                          )
                }
            />
            <Radio
                id="storage-copy-inc"
                name="storage"
                label={_("Copy incrementally")}
                isChecked={options.storage === "copy-inc"}
                isDisabled={!live}
                onChange={() => set({ storage: "copy-inc" })}
                description={_("Copies only the top layer; the base image must be shared (--copy-storage-inc).")}
            />
            {live &&
                options.storage !== "shared" &&
                (copyOnly.seen.length > 0 || options.migrateDisks !== undefined) &&
                copyOnly.unseen.length > 0 && (
                    <Checkbox
                        id="opt-migrate-disks"
                        isChecked={options.migrateDisks !== undefined}
                        label={format(
                            _("Copy only what $0 cannot see: $1 (--migrate-disks)"),
                            destLabel ?? "",
                            copyOnly.unseen.join(", "),
                        )}
                        onChange={(_e, on) => set({ migrateDisks: on ? copyOnly.unseen : undefined })}
                    />
                )}
            {isColdMove(options) && (
                <>
                    <Checkbox
                        id="opt-replace-existing"
                        isChecked={options.replaceExisting === true}
                        label={_("Replace files already on the destination")}
                        onChange={(_e, on) => set({ replaceExisting: on || undefined })}
                    />
                    <Checkbox
                        id="opt-remove-source"
                        isChecked={options.removeSourceFiles === true}
                        label={_("Remove the source's copies after verification")}
                        description={_("Only once libvirt on the destination has the VM; otherwise they stay.")}
                        onChange={(_e, on) => set({ removeSourceFiles: on || undefined })}
                    />
                </>
            )}
            <Help error={error} />
            <Help text={diskSummary(disks)} />
        </FormGroup>
    );
}

/** The VM's disks on one line, or where reading them has got to. */
function diskSummary(disks: Loaded<Disk[]>): string {
    return disks.data
        ? disks.data
              .map(
                  (d) =>
                      `${d.target}: ${d.source ?? _("no media")}${d.capacityBytes !== null ? ` (${formatBytes(d.capacityBytes)})` : ""}`,
              )
              .join(" · ")
        : disks.error
          ? _("The disks could not be listed.")
          : _("Reading disks…");
}
