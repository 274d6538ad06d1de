import { FormHelperText, HelperText, HelperTextItem } from "@patternfly/react-core";

/** A field's help line, or its error in its place; nothing when there is neither. */
export function Help({ text, error }: { text?: string; error?: string | null | undefined }) {
    if (!text && !error) return null;
    return (
        <FormHelperText>
            <HelperText>
                <HelperTextItem variant={error ? "error" : "default"}>{error ?? text}</HelperTextItem>
            </HelperText>
        </FormHelperText>
    );
}
