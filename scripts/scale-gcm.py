#!/usr/bin/env python3
"""Writes the committed GCM with its section repeated N times (eIds suffixed -rK), for benchmarks of how cost
grows with the size of the text. Usage: scripts/scale-gcm.py N > gcm-xN.akn.xml"""
import re
import sys

n = int(sys.argv[1])
text = open("data/gcm/gcm-a-res-73-195.akn.xml", encoding="utf-8").read()
start = text.index('<section eId="sec_3"')
end = text.index("</section>", start) + len("</section>")
section = text[start:end]
copies = [section] + [re.sub(r'eId="sec_3', f'eId="sec_3-r{k}', section) for k in range(1, n)]
text = text[:start] + "\n".join(copies) + text[end:]
text = text.replace('<FRBRnumber value="gcm"/>', f'<FRBRnumber value="gcm-x{n}"/>')
sys.stdout.write(text)
