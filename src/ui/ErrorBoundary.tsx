/**
 * A render error stays where it happened: the page, or one dialog, shows what failed (and a way
 * out) instead of React unmounting the whole page to a blank frame.
 */
import { Component, type ReactNode } from "react";
import { Alert, Button, Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core";
import { _, format } from "../../pkg/lib/gettext";

interface Props {
    /** What failed, in words: "The Migrate dialog". */
    what: string;
    /** For a dialog: closes it (the fallback is a dialog of its own with a Close button). */
    onClose?: () => void;
    children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
    override state: { error: Error | null } = { error: null };

    static getDerivedStateFromError(error: unknown) {
        return { error: error instanceof Error ? error : new Error(String(error)) };
    }

    override componentDidCatch(error: unknown) {
        console.error(`cockpit-migrate: ${this.props.what} failed to render`, error);
    }

    override render() {
        const { error } = this.state;
        if (!error) return this.props.children;
        const alert = (
            <Alert variant="danger" isInline title={format(_("$0 failed to show"), this.props.what)} data-render-error>
                <p>{error.message}</p>
                <p>
                    {_(
                        "The rest of the page keeps working. Reload the page to try again; if this repeats, report it with the message above.",
                    )}
                </p>
            </Alert>
        );
        if (!this.props.onClose) return alert;
        const close = this.props.onClose;
        return (
            <Modal isOpen onClose={close} variant="small" aria-labelledby="render-error-title">
                <ModalHeader
                    title={format(_("$0 failed to show"), this.props.what)}
                    labelId="render-error-title"
                    titleIconVariant="danger"
                />
                <ModalBody>{alert}</ModalBody>
                <ModalFooter>
                    <Button variant="primary" onClick={close}>
                        {_("Close")}
                    </Button>
                </ModalFooter>
            </Modal>
        );
    }
}
