/**
 * Follows Cockpit's light/dark preference the way Cockpit's own pages do: the shell stores
 * "shell:style" in localStorage ("auto" | "light" | "dark"); PatternFly 6 switches on the
 * `pf-v6-theme-dark` class of <html>.
 */
export function followTheme(): void {
    const apply = () => {
        let style = "auto";
        try {
            style = window.localStorage.getItem("shell:style") ?? "auto";
        } catch {
            /* storage blocked */
        }
        const dark =
            style === "dark" || (style === "auto" && window.matchMedia?.("(prefers-color-scheme: dark)").matches);
        document.documentElement.classList.toggle("pf-v6-theme-dark", Boolean(dark));
    };
    apply();
    window.addEventListener("storage", (e) => {
        if (e.key === "shell:style") apply();
    });
    window.addEventListener("cockpit-style", apply);
    window.matchMedia?.("(prefers-color-scheme: dark)").addEventListener("change", apply);
}
