"""A tiny example project for `llama-lsp complete`: fill in the body of `area`."""

import math


class Circle:
    def __init__(self, radius: float) -> None:
        self.radius = radius

    def area(self) -> float:
        

    def circumference(self) -> float:
        return 2 * math.pi * self.radius


def add(a: int, b: int) -> int:
    return a + b


if __name__ == "__main__":
    print(Circle(2.0).area(), add(1, 2))
