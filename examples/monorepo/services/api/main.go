// Command api serves the shop's JSON API.
package main

import (
	"encoding/json"
	"log"
	"net/http"
)

func main() {
	http.HandleFunc("GET /products", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode([]string{"tea", "coffee"})
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
