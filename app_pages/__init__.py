"""Pages of the facilitator's app (run by ``streamlit_app.py`` through ``st.navigation``)."""
