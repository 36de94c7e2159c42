"""The Streamlit app: placeholder until the assistant lands (see issue 4)."""
import streamlit as st

from index.registry import Registry
from settings import Settings

settings = Settings.from_env()
st.set_page_config(page_title="committee", layout="wide")
st.title("committee")
registry = Registry(settings.registry_path)
st.dataframe(registry.items())
