"""Certificates: what is printed (data), verification codes (codes), registration numbers
(registration), templates and PDF rendering (templates, render) and register exports (exports).

Pure functions with plain inputs; storage and the web app call them.
"""
