"""Import and export of enterprises, capacity weeks and demands (.xlsx and CSV), Open Supply Hub
facility lists, and the duplicate review queue. See service.py for the entry points."""
