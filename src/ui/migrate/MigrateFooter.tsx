import { Button, ModalFooter } from "@patternfly/react-core";
import { _ } from "../../../pkg/lib/gettext";

interface Props {
    canMigrate: boolean;
    busy: boolean;
    /** Why the Migrate button is held, in words; null when it is not. */
    why: string | null;
    onMigrate(): void;
    onClose(): void;
}

export function MigrateFooter({ canMigrate, busy, why, onMigrate, onClose }: Props) {
    return (
        <ModalFooter>
            <Button
                variant="primary"
                onClick={onMigrate}
                isDisabled={!canMigrate}
                isLoading={busy}
                aria-describedby={why ? "migrate-held" : undefined}
            >
                {_("Migrate")}
            </Button>
            {why && (
                <span id="migrate-held" data-migrate-held>
                    {why}
                </span>
            )}
            <Button variant="link" onClick={onClose}>
                {_("Cancel")}
            </Button>
        </ModalFooter>
    );
}
