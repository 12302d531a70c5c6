"""Odoo 17 XML-RPC emulator internals (Python standard library only).

Modules: errors (Odoo exceptions and fault mapping), schema (models and fields), seed (initial
data), store (records with a per-call undo journal), domain (search domains), orm (the model
methods), loader (`load`), business (posting, payments, chatter), faults (fault injection).
"""
