"""The Streamlit dashboard: reads only the published serving file; writes only uploads and accounts."""
