"""Leverage Lab's Streamlit layer: the shared scenario, chart data and pure Plotly builders."""
