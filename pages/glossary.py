"""Glossary: the words the other pages use, one definition each; every help icon links here."""

from __future__ import annotations

import streamlit as st

from ui.glossary import TERMS

st.title("Glossary")
st.caption(
    "The words of leveraged trading in plain language. The help icons (?) on every page point "
    "to these entries."
)
for anchor, (term, definition) in TERMS.items():
    st.subheader(term, anchor=anchor)
    st.markdown(definition)
