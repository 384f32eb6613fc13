"""The client pages: the list (with its export and bulk move) and the client page. They
combine the apps that know about clients (the reading, the 360 view, exports, moves), so
they sit above them; the clients app below holds the records, their gate and writes."""
