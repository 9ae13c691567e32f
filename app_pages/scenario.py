"""Scenario page: pick or upload a scenario, edit it with located errors, set the levers, download it."""

import streamlit as st

from app_pages.common import active, load_text
from sim.app.editing import annotate, check_upload, resolved_yaml, shipped_scenarios
from sim.app.levers import AUTONOMY_LEVELS, UNSET_LABELS, levers_for, read_value
from sim.scenario import ScenarioError, decode_scenario_bytes

st.title("Scenario")

# ------------------------------------------------------------------ source
library = shipped_scenarios()
pick, upload = st.columns([1, 1])
with pick:
    names = list(library)
    choice = st.selectbox(
        "Shipped scenario",
        names,
        index=names.index(st.session_state["scenario_source"]) if st.session_state["scenario_source"] in names else 0,
        key="shipped_choice",
    )
    if st.button("Load shipped scenario", icon=":material/download:"):
        load_text(library[choice].read_text(encoding="utf-8"), choice)
        st.rerun()
with upload:
    file = st.file_uploader("…or upload a scenario (YAML, untrusted: safe loader, size-limited)", type=["yaml", "yml"])
    if file is not None and st.session_state.get("_upload_id") != file.file_id:
        st.session_state["_upload_id"] = file.file_id
        problem = check_upload(file.name, file.size)
        if problem is not None:
            st.session_state["_upload_error"] = problem.format()
        else:
            try:  # located as the CLI locates it: the line and column of the first bad byte
                load_text(decode_scenario_bytes(file.getvalue(), file.name), file.name)
                st.session_state.pop("_upload_error", None)
                st.rerun()
            except ScenarioError as exc:
                st.session_state["_upload_error"] = exc.errors[0].format()
    if st.session_state.get("_upload_error"):
        st.error(st.session_state["_upload_error"], icon=":material/block:")

# ------------------------------------------------------------------ editor and validation
st.subheader("Edit")
editor, checks = st.columns([3, 2])
with editor:
    if "editor_widget" not in st.session_state:  # Streamlit drops a widget's state while its page is away
        st.session_state["editor_widget"] = st.session_state["scenario_text"]
    text = st.text_area(
        f"YAML — {st.session_state['scenario_source']}",
        key="editor_widget",
        height=520,
        help="Validated when the text area loses focus (or Ctrl+Enter).",
    )
    if text != st.session_state["scenario_text"]:
        st.session_state["scenario_text"] = text

current = active()
with checks:
    st.markdown("**Validation**")
    if current.base.ok:
        s = current.base.scenario
        st.success(
            f"Valid: **{s.metadata.name}** — {len(s.actors)} actors, {len(s.assets)} assets, {len(s.zones)} zones, "
            f"{s.time.horizon_hours:g} h horizon.",
            icon=":material/check_circle:",
        )
    else:
        st.error(f"{current.base.count} error(s) in the scenario", icon=":material/error:")
        for line in annotate(current.text, current.base.errors, current.source):
            with st.container(border=True):
                st.code(f"{line.number:>4} | {line.text}", language=None)
                for message in line.messages:
                    st.markdown(f":red[{message}]")
        for err in current.base.errors:
            if err.file != current.source:
                st.markdown(f":red[{err.format()}]")

# ------------------------------------------------------------------ levers
st.subheader("Levers")
base = current.base.scenario or st.session_state.get("last_base")
if base is None:
    st.info("Fix the scenario to use the levers.")
else:
    levers = st.session_state.setdefault("levers", {})
    groups: dict[str, list] = {}
    for lever in levers_for(base):
        groups.setdefault(lever.group, []).append(lever)
    columns = st.columns(3)
    for i, (group, items) in enumerate(groups.items()):
        with columns[i % 3].container(border=True):
            st.markdown(f"**{group}**")
            for lever in items:
                key = f"lever::{lever.path}"
                none = UNSET_LABELS.get(lever.kind)
                if key not in st.session_state:
                    initial = levers.get(lever.path, read_value(base, lever.path))
                    st.session_state[key] = none if initial is None and none else initial
                if lever.kind == "autonomy":
                    value = st.selectbox(lever.label, AUTONOMY_LEVELS, key=key)
                elif none is not None:
                    # a word, not None: Streamlit shows "Choose an option" for a None selection
                    value = st.selectbox(lever.label, (none, *AUTONOMY_LEVELS), key=key)
                    value = None if value == none else value
                elif lever.kind == "fraction":
                    value = st.slider(lever.label, 0.0, 1.0, step=0.05, key=key)
                elif lever.kind == "hours":
                    value = st.number_input(lever.label, 0.0, 168.0, step=0.5, key=key)
                else:
                    value = st.toggle(lever.label, key=key)
                levers[lever.path] = value
    current = active()  # after the levers: what follows shows the overrides they make now
    if current.overrides:
        st.markdown("**Overrides from the levers** (the same as `flashpoint run … --set`):")
        st.code("\n".join(f"--set {o}" for o in current.overrides), language="bash")
    else:
        st.caption("The levers match the scenario: no overrides.")
    if current.base.ok and not current.validation.ok:
        st.error(
            "The overrides make the scenario invalid:\n\n" + "\n\n".join(e.format() for e in current.validation.errors)
        )

# ------------------------------------------------------------------ download
if current.scenario is not None:
    stem = current.source.rsplit(".", 1)[0]
    st.download_button(
        "Download the scenario (overrides applied)",
        resolved_yaml(current.scenario, current.source, current.overrides),
        file_name=f"{stem}_edited.yaml",
        mime="application/x-yaml",
        icon=":material/file_download:",
    )
