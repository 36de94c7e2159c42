"""The Streamlit app's pieces: what it draws (views) and who may see what (access). Only app.py imports them."""
