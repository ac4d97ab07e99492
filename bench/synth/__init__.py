"""Seeded synthetic Supplement Facts photos with truth, for the OCR benchmark.

content: what a panel says; render: the printed panel; degrade: the phone photo of it;
generate: the command line that writes a whole set (see its docstring for the truth format).
"""
