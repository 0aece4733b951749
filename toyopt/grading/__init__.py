"""`toyopt grade`: sandboxed grading of untrusted submissions, one or many.  Student
code runs only in the worker; every verdict is computed here by the checks from
plain data, and nothing from the worker is ever unpickled.
"""
