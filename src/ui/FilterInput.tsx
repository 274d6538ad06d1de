/** A filter box: PatternFly's text input group with a search icon and a clear button. PatternFly's SearchInput
 *  looks the same, but also brings its advanced-search menu, panel and popper (~7 KB gzipped on the first screen). */
import { Button, TextInputGroup, TextInputGroupMain, TextInputGroupUtilities } from "@patternfly/react-core";
import { SearchIcon, TimesIcon } from "@patternfly/react-icons";
import { _ } from "../../pkg/lib/gettext";

export function FilterInput({
    label,
    placeholder,
    value,
    onChange,
}: {
    label: string;
    placeholder: string;
    value: string;
    onChange(v: string): void;
}) {
    return (
        <TextInputGroup>
            <TextInputGroupMain
                icon={<SearchIcon />}
                type="search"
                aria-label={label}
                placeholder={placeholder}
                value={value}
                onChange={(_e, v) => onChange(v)}
            />
            {value !== "" && (
                <TextInputGroupUtilities>
                    <Button
                        variant="plain"
                        aria-label={_("Clear filter")}
                        icon={<TimesIcon />}
                        onClick={() => onChange("")}
                    />
                </TextInputGroupUtilities>
            )}
        </TextInputGroup>
    );
}
