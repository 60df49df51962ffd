"""The embeddable cancel widget: loader, hosted flow page and demo host."""
