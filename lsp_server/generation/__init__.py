"""Generation backends behind one small interface (backend.py); only this package imports
llama_cpp."""
