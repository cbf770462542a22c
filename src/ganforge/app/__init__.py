"""The local web app (`ganforge app`): a thin gradio front end over the Python API.

Each tab's work is a plain function in its own module (generate, explore, translate, watch), callable and tested
without a browser; only ui.py imports gradio.
"""
